#!/usr/bin/env python3
"""Writes the "Exported API" section of a library module's README from its module-info and Javadoc: python3 tools/api-readme.py llama-core (run from the repository root)."""
import subprocess,sys,re,os
info={
 'llama-core':('llamakit core','The client for Meta\'s Llama API and OpenAI-compatible servers, the message model, and the SPIs (memory strategies, conversation stores, retrievers, embedders, rerankers, token counters, summarizers) with their registries. Depends on jackson-databind and slf4j-api only.\n\n**Size.** 123 public types in 17 packages; the largest packages (`memory`, `client.error`) hold 19 types each, so each package fits on a page, but the module does not fit on one screen. The seam is known: the client (`client`, `client.error`, `client.observe`, `moderation` and the `internal` transport, about 40 public types) could become its own module under the SPIs. It was not split in issue 15: `ChatModel`, `ChatRequest` and the error types are what the SPIs and `Conversation` are written against, so a client module would have to keep them in core and take only `LlamaClient` and its transport, a move worth making when core grows again.','dev.llamakit.core'),
 'llama-memory':('llamakit memory','Memory strategies (`sliding-window`, `selective-retention`, `summarization`, `hierarchical`) and the durable file conversation store (`file`). Guide: [docs/memory.md](../docs/memory.md).','dev.llamakit.memory'),
 'llama-memory-jdbc':('llamakit memory (JDBC)','The `jdbc` conversation store: conversations in PostgreSQL (H2 and SQLite too), shared by every instance of an application; the JDBC driver is yours. Guide: [docs/memory.md](../docs/memory.md#the-shared-store-jdbc-module-llama-memory-jdbc).','dev.llamakit.memory.jdbc'),
 'llama-documents':('llamakit documents','Loading a folder of documents (text, Markdown, HTML, JSON lines) and keeping any retriever up to date with it (`FolderIndexer`), without Lucene. Guide: [docs/retrieval.md](../docs/retrieval.md).','dev.llamakit.documents'),
 'llama-retrieval-lucene':('llamakit retrieval (Lucene)','In-process retrievers on Apache Lucene: `keyword`, `bm25`, `vector`, `hybrid`, in memory or on disk. Guide: [docs/retrieval.md](../docs/retrieval.md).','dev.llamakit.retrieval.lucene'),
 'llama-retrieval-opensearch':('llamakit retrieval (OpenSearch)','The `opensearch` retriever: BM25, vector and hybrid search on an OpenSearch cluster, with no client library beyond the JDK\'s HTTP client and Jackson. Guide: [docs/scaling.md](../docs/scaling.md).','dev.llamakit.retrieval.opensearch'),
 'llama-embeddings-onnx':('llamakit embeddings (ONNX)','In-process sentence embeddings on ONNX Runtime: the models that ship in jars and any ONNX model on disk. Guide: [docs/embeddings.md](../docs/embeddings.md).','dev.llamakit.embed.onnx'),
 'llama-tck':('llamakit compatibility kits','Abstract JUnit 5 contracts that a third-party memory strategy, conversation store, retriever, embedder or token counter extends to prove it honours the SPI.','dev.llamakit.tck'),
 'llama-testkit':(None,None,'dev.llamakit.testkit'),
}
m=sys.argv[1]
title,desc,mod=info[m]
api=subprocess.run(['python3',os.path.join(os.path.dirname(os.path.abspath(__file__)), 'api-list.py'),m],capture_output=True,text=True).stdout
n=re.search(r'<!-- (\d+) types -->',api).group(1)
api=api.split('\n',1)[1]
section=f"""## Exported API

Java module `{mod}` (`module-info.java` in `src/main/module/`; this section is written by `tools/api-readme.py`). Every public type of the exported packages, with the first
sentence of its Javadoc ({n} types); everything else is internal. The whole map: [docs/architecture.md](../docs/architecture.md).
{api}"""
readme=f'{m}/README.md'
if title:
    body=f"""# {title} (`{m}`)

{desc}

```xml
<dependency>
  <groupId>dev.llamakit</groupId>
  <artifactId>{m}</artifactId>
</dependency>
```
(versions from the `llama-bom`)

{section}"""
    open(readme,'w').write(body)
else:
    s=open(readme).read()
    if '## Exported API' in s:
        s=s[:s.index('## Exported API')]
    open(readme,'w').write(s.rstrip()+'\n\n'+section)
