/**
 * Loading documents from files, with no search engine: {@link dev.llamakit.documents.FolderLoader} (a folder walker
 * with glob include/exclude for {@code .txt}, Markdown, HTML and BEIR-style {@code .jsonl}/{@code .jsonl.gz},
 * skipping and reporting what it cannot read) and {@link dev.llamakit.documents.FolderIndexer} (incremental
 * re-indexing of a folder into any {@link dev.llamakit.retrieval.Retriever}, driven by a content-hash manifest,
 * kept in the index itself when the retriever implements {@link dev.llamakit.documents.IndexCommits}).
 */
package dev.llamakit.documents;
