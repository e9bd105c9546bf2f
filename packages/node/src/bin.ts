#!/usr/bin/env node
/**
 * The `taxonomy-export` executable.
 *
 * @since 0.1.0
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Cli from "./Cli.js"

const environment = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer)

const fiber = Effect.runFork(
  Cli.run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTTY: process.stderr.isTTY === true
  }).pipe(Effect.provide(environment))
)

// As @effect/platform-node's NodeRuntime.runMain does: SIGINT (Ctrl-C) or SIGTERM interrupts the command, so
// its finalizers run (a JSON array is closed, the output file flushed) and it prints how to resume. Unlike
// runMain, the exit code then tells the signal, as a shell reports it (128 + its number). The handlers go
// with the first signal: a second one ends the process at once, Node's default.
const exitCodes = { SIGINT: Cli.ExitCode.Interrupted, SIGTERM: Cli.ExitCode.Terminated } as const
let signal: keyof typeof exitCodes | undefined
const onSignal = (received: keyof typeof exitCodes) => {
  signal = received
  process.off("SIGINT", onSignal)
  process.off("SIGTERM", onSignal)
  fiber.unsafeInterruptAsFork(fiber.id())
}
process.on("SIGINT", onSignal)
process.on("SIGTERM", onSignal)

fiber.addObserver((exit) => {
  process.off("SIGINT", onSignal)
  process.off("SIGTERM", onSignal)
  if (Exit.isSuccess(exit)) {
    process.exitCode = exit.value
  } else if (signal !== undefined && Cause.isInterruptedOnly(exit.cause)) {
    process.exit(exitCodes[signal])
  } else {
    // Cli.run prints its failures and returns their codes: this is a defect
    process.stderr.write(`${Cli.name}: ${Cause.pretty(exit.cause)}\n`)
    process.exitCode = Cli.ExitCode.Unexpected
  }
})
