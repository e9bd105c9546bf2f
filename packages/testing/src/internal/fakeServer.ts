import * as Http from "node:http"
import type * as Net from "node:net"
import type * as FakeServer from "../FakeServer.js"
import type * as FakeTaxonomyApi from "../FakeTaxonomyApi.js"

const encoder = new TextEncoder()

interface MutableExchange {
  index: number
  receivedAt: number
  requestIndex: number
  method: string
  url: string
  status: number
  action: FakeTaxonomyApi.ReplyAction["_tag"]
  socketReused: boolean
  finished: boolean
  aborted: boolean
  resetByServer: boolean
  closed: boolean
}

/** @internal */
export interface Handle extends FakeServer.Service {
  readonly close: () => Promise<void>
}

const flattenHeaders = (headers: Http.IncomingHttpHeaders): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[key] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

/** @internal */
export const start = (
  api: FakeTaxonomyApi.FakeTaxonomyApi,
  options: FakeServer.Options = {}
): Promise<Handle> => {
  const host = options.host ?? "127.0.0.1"
  const clock = options.clock ?? Date.now
  const latency = Math.max(0, options.latency ?? 0)
  const sockets = new Set<Net.Socket>()
  const socketClosed = new Map<Net.Socket, Promise<void>>()
  const served = new WeakMap<Net.Socket, number>()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const exchanges: Array<MutableExchange> = []
  let opened = 0
  let closed = 0
  let closing: Promise<void> | undefined
  let shuttingDown = false

  const later = (ms: number, f: () => void): ReturnType<typeof setTimeout> => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      f()
    }, ms)
    timers.add(timer)
    return timer
  }
  const cancel = (timer: ReturnType<typeof setTimeout> | undefined) => {
    if (timer === undefined) return
    clearTimeout(timer)
    timers.delete(timer)
  }

  const server = Http.createServer((req, res) => {
    const socket = req.socket
    const previous = served.get(socket) ?? 0
    served.set(socket, previous + 1)
    const reply = api.handle(
      { method: req.method ?? "GET", url: req.url ?? "/", headers: flattenHeaders(req.headers) },
      clock()
    )
    const exchange: MutableExchange = {
      index: exchanges.length,
      receivedAt: Date.now(),
      requestIndex: reply.requestIndex,
      method: req.method ?? "GET",
      url: req.url ?? "/",
      status: reply.status,
      action: reply.action._tag,
      socketReused: previous > 0,
      finished: false,
      aborted: false,
      resetByServer: false,
      closed: false
    }
    exchanges.push(exchange)
    let timer: ReturnType<typeof setTimeout> | undefined
    res.on("finish", () => {
      exchange.finished = true
    })
    res.on("close", () => {
      exchange.closed = true
      cancel(timer)
      if (!exchange.finished && !exchange.resetByServer && !shuttingDown) exchange.aborted = true
    })
    // drain any request body so the parser can move on
    req.resume()

    const reset = () => {
      exchange.resetByServer = true
      socket.resetAndDestroy()
    }
    const send = () => {
      res.writeHead(reply.status, reply.headers)
      res.end(reply.body)
    }
    const partial = (sent: number, then: () => void) => {
      exchange.resetByServer = true
      const bytes = encoder.encode(reply.body)
      res.writeHead(reply.status, reply.headers)
      // flushHeaders + write of the partial body; give the client time to
      // read it before the connection goes away
      res.write(bytes.slice(0, sent), () => {
        timer = later(25, then)
      })
    }

    const act = () => {
      const action = reply.action
      switch (action._tag) {
        case "Send":
          return send()
        case "Delay":
          timer = later(action.millis, () => {
            if (!res.destroyed && !socket.destroyed) send()
          })
          return
        case "ResetBeforeHeaders":
          return reset()
        case "KeepAliveReset":
          return previous > 0 ? reset() : send()
        case "ResetMidBody":
          return partial(action.afterBytes, () => socket.resetAndDestroy())
        case "TruncatedBody":
          return partial(action.sentBytes, () => {
            socket.end()
            later(100, () => socket.destroy())
          })
      }
    }
    if (latency === 0) return act()
    timer = later(latency, () => {
      if (!res.destroyed && !socket.destroyed) act()
    })
  })
  server.keepAliveTimeout = options.keepAliveTimeout ?? 5_000

  server.on("connection", (socket) => {
    opened++
    sockets.add(socket)
    socketClosed.set(
      socket,
      new Promise<void>((resolve) =>
        socket.on("close", () => {
          closed++
          sockets.delete(socket)
          socketClosed.delete(socket)
          resolve()
        })
      )
    )
    // a reset socket may emit errors nobody else listens to
    socket.on("error", () => {})
  })
  server.on("clientError", (_err, socket) => {
    if (!socket.destroyed) socket.destroy()
  })

  const close = (): Promise<void> => {
    if (closing !== undefined) return closing
    shuttingDown = true
    for (const timer of timers) clearTimeout(timer)
    timers.clear()
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
    // wait for every socket's `close`, so the counters are final when this resolves
    const socketsClosed = Array.from(socketClosed.values())
    server.closeAllConnections()
    for (const socket of sockets) socket.destroy()
    closing = Promise.all([serverClosed, ...socketsClosed]).then(() => undefined)
    return closing
  }

  return new Promise<Handle>((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    server.once("error", onError)
    server.listen(options.port ?? 0, host, () => {
      server.off("error", onError)
      const address = server.address() as Net.AddressInfo
      const port = address.port
      const urlHost = host.includes(":") ? `[${host}]` : host
      resolve({
        api,
        port,
        url: `http://${urlHost}:${port}`,
        get connections() {
          return { opened, closed, open: sockets.size }
        },
        get exchanges() {
          return exchanges.map((e) => ({ ...e }))
        },
        get listening() {
          return server.listening
        },
        close
      })
    })
  })
}
