"""Practice: following decks and spaced repetition with FSRS."""
