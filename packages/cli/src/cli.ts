#!/usr/bin/env node
// The `ham` executable: runs the command and exits with its code.
import { runCli } from "./main.js";

process.exitCode = await runCli(process.argv.slice(2));
