import {
  runMain
} from "./chunks/chunk-6SY3QSVQ.js";
import "./chunks/chunk-GXO3SPPF.js";
import "./chunks/chunk-Z7IFXG4U.js";

// src/main.ts
await runMain();
