import { createServer, type Server, type Socket } from "node:net";

/**
 * Small SMTP servers that misbehave in ways a real MTA will not: used for the hostile cases of the
 * probe tests. Each listens on ADDR:25 (root, loopback) and counts the connections it saw.
 */
export interface HostileServer {
  address: string;
  connections: number;
  close(): Promise<void>;
}

type Behaviour = (socket: Socket, timers: Set<NodeJS.Timeout>) => void;

function onLines(socket: Socket, fn: (line: string) => void): void {
  let buf = "";
  socket.on("data", (d) => {
    buf += d.toString("latin1");
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      fn(buf.slice(0, i).replace(/\r$/, ""));
      buf = buf.slice(i + 1);
    }
  });
}

export const behaviours: Record<string, Behaviour> = {
  /** Greets only after 30 seconds, like a tarpit. */
  tarpit: (s, timers) => {
    timers.add(setTimeout(() => s.writable && s.write("220 finally\r\n"), 30000));
  },
  /** Offers STARTTLS, says 220, then answers the ClientHello with garbage. */
  brokenTls: (s) => {
    s.write("220 broken.test ESMTP\r\n");
    let inTls = false;
    onLines(s, (line) => {
      if (inTls) return;
      if (/^EHLO/i.test(line)) s.write("250-broken.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
      else if (/^STARTTLS/i.test(line)) {
        s.write("220 go ahead\r\n");
        inTls = true;
        s.once("data", () => s.end("this is not a TLS ServerHello\r\n".repeat(4)));
      } else if (/^QUIT/i.test(line)) s.end("221 bye\r\n");
    });
  },
  /** A multi-line EHLO reply that never ends. */
  endless: (s, timers) => {
    s.write("220 endless.test ESMTP\r\n");
    onLines(s, (line) => {
      if (!/^EHLO/i.test(line)) return;
      const t = setInterval(() => {
        if (!s.writable) return clearInterval(t);
        s.write("250-AND-ANOTHER-EXTENSION\r\n".repeat(50));
      }, 5);
      timers.add(t);
    });
  },
  /** A one-megabyte greeting line. */
  longLine: (s) => {
    s.write("220 " + "x".repeat(1024 * 1024) + "\r\n");
  },
  /** Offers STARTTLS and says 220, reads the ClientHello, and never answers it. */
  stallTls: (s) => {
    s.write("220 stall.test ESMTP\r\n");
    let inTls = false;
    onLines(s, (line) => {
      if (inTls) return;
      if (/^EHLO/i.test(line)) s.write("250-stall.test\r\n250 STARTTLS\r\n");
      else if (/^STARTTLS/i.test(line)) {
        s.write("220 Ready to start TLS\r\n");
        inTls = true; // and then nothing, ever
      }
    });
  },
  /** Offers STARTTLS, and never answers the STARTTLS command. */
  stallStarttls: (s) => {
    s.write("220 stall.test ESMTP\r\n");
    onLines(s, (line) => {
      if (/^EHLO/i.test(line)) s.write("250-stall.test\r\n250 STARTTLS\r\n");
    });
  },
  /** Says 220 to STARTTLS, then resets the connection when the ClientHello arrives: a refusal. */
  resetTls: (s) => {
    s.write("220 reset.test ESMTP\r\n");
    let inTls = false;
    onLines(s, (line) => {
      if (inTls) return;
      if (/^EHLO/i.test(line)) s.write("250-reset.test\r\n250 STARTTLS\r\n");
      else if (/^STARTTLS/i.test(line)) {
        s.write("220 go ahead\r\n");
        inTls = true;
        s.once("data", () => s.resetAndDestroy());
      }
    });
  },
  /** Says 454 to STARTTLS (TLS not available now): a refusal. */
  refuseStarttls: (s) => {
    s.write("220 refuse.test ESMTP\r\n");
    onLines(s, (line) => {
      if (/^EHLO/i.test(line)) s.write("250-refuse.test\r\n250 STARTTLS\r\n");
      else if (/^STARTTLS/i.test(line)) s.write("454 4.7.0 TLS not available due to local problem\r\n");
      else if (/^QUIT/i.test(line)) s.end("221 bye\r\n");
    });
  },
  /** Bytes that are not SMTP at all. */
  garbage: (s) => {
    s.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x01, 0x02, 0x0d, 0x0a]));
  },
  /** A polite server that must never be contacted (for the private-address refusal). */
  watched: (s) => {
    s.write("220 watched.test ESMTP\r\n");
    onLines(s, (line) => {
      if (/^EHLO/i.test(line)) s.write("250-watched.test\r\n250 STARTTLS\r\n");
      else s.end("221 bye\r\n");
    });
  },
};

export function startHostile(
  address: string,
  behaviour: keyof typeof behaviours,
  port = 25,
): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const result: HostileServer = {
    address,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((socket) => {
    result.connections++;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    behaviours[behaviour](socket, timers);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => resolve(result));
  });
}
