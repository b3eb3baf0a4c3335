package dev.llamakit.retrieval.lucene;

import dev.llamakit.client.error.LlamaException;
import dev.llamakit.retrieval.lucene.IndexUnreadableException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies an on-disk index against Lucene's own checksums: every file of the last commit is read whole and its
 * CRC-32 footer compared ({@link CodecUtil#checksumEntireFile}), so garbage written into a segment is found before it
 * is searched. Indexes are verified when they are opened if they are small ({@link LuceneIndex#VERIFY_ON_OPEN_BYTES});
 * {@link #verify(Path)} verifies any size ({@code llama rag index --verify}).
 */
public final class IndexCheck {
    private static final Logger log = LoggerFactory.getLogger(IndexCheck.class);

    /** What was verified: the files of the last commit, their bytes, and the documents (Lucene's, chunks) they hold. */
    public record Result(int files, long bytes, long luceneDocuments) {
    }

    private IndexCheck() {
    }

    /**
     * Verifies every file of the index's last commit; changes nothing.
     *
     * @throws IndexUnreadableException with {@link Reason#CORRUPT} naming the damaged file, or when there is no index
     * @throws LlamaException when the folder cannot be read
     */
    public static Result verify(Path indexDir) {
        if (!Files.isDirectory(indexDir)) {
            throw new IndexUnreadableException(indexDir, Reason.CORRUPT, "there is no index folder there");
        }
        try (Directory dir = FSDirectory.open(indexDir)) {
            return verify(indexDir, dir, readCommit(indexDir, dir));
        } catch (IOException e) {
            throw new LlamaException("cannot read the index in " + indexDir + ": " + e, e);
        }
    }

    static SegmentInfos readCommit(Path path, Directory dir) {
        try {
            return SegmentInfos.readLatestCommit(dir);
        } catch (IndexFormatTooOldException | IndexFormatTooNewException e) {
            throw new IndexUnreadableException(path, Reason.INCOMPATIBLE,
                    "it was written by an unsupported Lucene version: " + e.getMessage(), e);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IndexUnreadableException(path, Reason.CORRUPT, "it holds no complete Lucene commit ("
                    + e.getMessage() + "); delete the folder and index the documents again", e);
        } catch (IOException e) {
            throw damaged(path, "its commit point", e);
        }
    }

    /** Verifies when the commit's files add up to at most {@code maxBytes}; logs and skips a larger index. */
    static void verifyIfSmall(Path path, Directory dir, SegmentInfos infos, long maxBytes) throws IOException {
        long bytes = 0;
        for (String f : infos.files(true)) {
            bytes += dir.fileLength(f);
        }
        if (bytes > maxBytes) {
            log.debug("not verifying the checksums of {} on open ({} bytes); 'llama rag index --verify' does", path,
                    bytes);
            return;
        }
        verify(path, dir, infos);
    }

    static Result verify(Path path, Directory dir, SegmentInfos infos) throws IOException {
        List<String> files = new ArrayList<>(infos.files(true));
        long bytes = 0;
        for (String f : files) {
            try (IndexInput in = dir.openInput(f, IOContext.READONCE)) {
                bytes += in.length();
                CodecUtil.checksumEntireFile(in);
            } catch (NoSuchFileException | java.io.FileNotFoundException e) {
                throw new IndexUnreadableException(path, Reason.CORRUPT, "the index file " + f + " is missing; restore"
                        + " the index from a backup, or delete the folder and index the documents again", e);
            } catch (IOException e) {
                if (LuceneIndex.isNotWritable(e)) {
                    throw e;
                }
                throw damaged(path, "the index file " + f, e);
            }
        }
        return new Result(files.size(), bytes, infos.totalMaxDoc());
    }

    private static IndexUnreadableException damaged(Path path, String what, IOException e) {
        return new IndexUnreadableException(path, Reason.CORRUPT, what + " is damaged (" + e.getClass().getSimpleName()
                + ": " + e.getMessage() + "); restore the index from a backup, or delete the folder and index the"
                + " documents again", e);
    }
}
