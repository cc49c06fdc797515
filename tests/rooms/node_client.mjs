// A room client that is not Python: socket.io-client from npm, run by Node, as another
// front end of Prepdeck would be. It is given one JSON argument:
//   {url, auth, room?, answer?, seconds}
// and prints one JSON line per thing that happens: {"event": NAME, "data": ...}. It connects
// over WebSocket only, joins `room` once connected, and on the first question it is asked
// sends `answer` as its draft; then it leaves. A refused connection ends it too, and so does
// running out of `seconds`.
import { io } from "socket.io-client";

const options = JSON.parse(process.argv[2]);
const print = (event, data) => process.stdout.write(`${JSON.stringify({ event, data })}\n`);

const socket = io(options.url, {
  transports: ["websocket"],
  auth: options.auth,
  reconnection: false,
  timeout: options.seconds * 1000,
});
const finish = (code) => {
  socket.close();
  process.exitCode = code;
};
setTimeout(() => {
  print("timeout", { seconds: options.seconds });
  finish(2);
}, options.seconds * 1000).unref();

socket.onAny((event, data) => print(event, data));
socket.on("connect_error", (err) => {
  print("connect_error", { message: err.message, data: err.data ?? null });
  finish(0);
});
socket.on("connect", async () => {
  print("connect", { id: socket.id });
  if (options.room === undefined) return finish(0);
  const joined = socket.timeout(options.seconds * 1000).emitWithAck("room:join", { room: options.room });
  print("joined", await joined);
});
socket.on("room:question", async (question) => {
  if (options.answer === undefined) return finish(0);
  const draft = { room: question.room, item: question.item, text: options.answer };
  print("drafted", await socket.timeout(options.seconds * 1000).emitWithAck("room:draft", draft));
  finish(0);
});
