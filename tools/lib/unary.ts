// Unary gRPC calls with an already serialized request, over one HTTP/2 connection.
//
// The offline plan makes one Analyze call per resource (6,488 for a 1,000-account stack) while
// the program runs, so the client's cost per call competes with the program for the CPU.
// @grpc/grpc-js spends about 0.4 ms of CPU per unary call on its call stack (interceptors,
// load-balancing pick, deadline and status machinery); a plain HTTP/2 request with the gRPC
// framing costs about a quarter of that. The rest of the protocol (GetAnalyzerInfo, Configure,
// ConfigureStack) stays on @grpc/grpc-js.
//
// gRPC over HTTP/2 (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md): a POST to
// /<service>/<method> with content-type application/grpc and `te: trailers`; each message is
// framed as a compressed flag byte and a 4-byte big-endian length. The status comes in the
// trailers as grpc-status (0 = OK) and a percent-encoded grpc-message, or, for a response
// without a body ("trailers-only"), in the response headers.
import * as http2 from "http2";

const STATUS_NAMES = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/** A failed call, worded like @grpc/grpc-js ("2 UNKNOWN: <message>"). */
export class GrpcStatusError extends Error {
    constructor(
        readonly code: number,
        readonly details: string,
    ) {
        super(`${code} ${STATUS_NAMES[code] ?? "UNKNOWN"}: ${details}`);
    }
}

function decodeMessage(v: unknown): string {
    const s = Array.isArray(v) ? v.join(",") : String(v ?? "");
    try {
        return decodeURIComponent(s);
    } catch {
        return s;
    }
}

/** Frames one message: flag 0 (not compressed), length, bytes. */
function frame(message: Uint8Array): Buffer {
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(message.length, 1);
    return Buffer.concat([prefix, message]);
}

/** The single message of a unary response body. */
function unframe(body: Buffer): Buffer {
    if (body.length < 5) throw new Error(`malformed gRPC response: ${body.length} bytes`);
    if (body[0] !== 0) throw new Error("malformed gRPC response: compressed messages were not asked for");
    const length = body.readUInt32BE(1);
    if (body.length < 5 + length) throw new Error(`malformed gRPC response: ${body.length - 5} of ${length} bytes`);
    return body.subarray(5, 5 + length);
}

export class UnaryChannel {
    private session?: http2.ClientHttp2Session;

    /** `address` as host:port. */
    constructor(private readonly address: string) {}

    private connect(): http2.ClientHttp2Session {
        if (!this.session || this.session.closed || this.session.destroyed) {
            const session = http2.connect(`http://${this.address}`);
            // A connection error fails the calls in flight, through their streams.
            session.on("error", () => undefined);
            this.session = session;
        }
        return this.session;
    }

    /** Calls `path` (/<package>.<Service>/<Method>) and returns the serialized response. */
    call(path: string, request: Uint8Array): Promise<Buffer> {
        return new Promise((resolve, reject) => {
            let stream: http2.ClientHttp2Stream;
            try {
                stream = this.connect().request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", "grpc-accept-encoding": "identity" });
            } catch (e) {
                reject(e);
                return;
            }
            const chunks: Buffer[] = [];
            let status: number | undefined;
            let details = "";
            const readStatus = (headers: http2.IncomingHttpHeaders) => {
                if (headers["grpc-status"] !== undefined) {
                    status = Number(headers["grpc-status"]);
                    details = decodeMessage(headers["grpc-message"]);
                }
            };
            stream.on("response", readStatus);
            stream.on("trailers", readStatus);
            stream.on("data", (d: Buffer) => chunks.push(d));
            stream.on("error", reject);
            stream.on("close", () => {
                if (status === undefined) {
                    reject(new GrpcStatusError(14, `the connection ended without a gRPC status (HTTP/2 code ${stream.rstCode})`));
                } else if (status !== 0) {
                    reject(new GrpcStatusError(status, details));
                } else {
                    try {
                        resolve(unframe(Buffer.concat(chunks)));
                    } catch (e) {
                        reject(e);
                    }
                }
            });
            stream.end(frame(request));
        });
    }

    close(): void {
        this.session?.close();
        this.session = undefined;
    }
}
