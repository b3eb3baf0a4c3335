/**
 * The {@code sliding-window} memory strategy: the system message plus the most recent messages, by count
 * and/or tokens. See {@link dev.llamakit.memory.window.SlidingWindowStrategy}.
 */
package dev.llamakit.memory.window;
