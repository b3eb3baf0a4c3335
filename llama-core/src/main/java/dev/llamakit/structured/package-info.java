/**
 * Structured output: JSON Schemas derived from records ({@link dev.llamakit.structured.JsonSchemas}) and typed,
 * strictly checked replies ({@link dev.llamakit.structured.StructuredOutput}).
 */
package dev.llamakit.structured;
