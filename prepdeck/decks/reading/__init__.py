"""Reading question documents written by hand, in the layouts people use.

`marks` finds, in one linear pass, the lines that could introduce something (headings, bold
lines, numbered lines, `<summary>` lines, table-of-contents links); `levels` says which titles
name a level; `layout` decides how the document writes its questions and cuts it into
questions and answers; `chatter` takes the author's sign-off off the last answer.
"""
