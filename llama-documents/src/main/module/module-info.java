/**
 * llamakit's document loading: a folder's files (text, Markdown, HTML, JSON lines) read into documents, and the
 * incremental {@code FolderIndexer} that keeps any retriever up to date with the folder. Needs no retrieval backend.
 */
module dev.llamakit.documents {
    requires transitive dev.llamakit.core;
    requires com.fasterxml.jackson.databind;
    requires org.commonmark;
    requires org.jsoup;
    requires org.slf4j;

    exports dev.llamakit.documents;
}
