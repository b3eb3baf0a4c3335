/**
 * The tool loop: {@link dev.llamakit.tools.Tool}s (a definition and a handler) run by a
 * {@link dev.llamakit.tools.ToolRunner} until the model answers without calling tools.
 */
package dev.llamakit.tools;
