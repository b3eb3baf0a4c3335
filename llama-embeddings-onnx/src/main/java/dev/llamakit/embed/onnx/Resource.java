package dev.llamakit.embed.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Where a model or tokenizer file comes from: a path, or a resource inside a jar on the classpath. Internal. */
sealed interface Resource {

    /** A file on disk. */
    static Resource file(Path path) {
        return new FileResource(path);
    }

    /** A classpath resource, shipped in {@code artifact} (named in the error when it is missing). */
    static Resource classpath(String name, String artifact) {
        return new ClasspathResource(name, artifact);
    }

    /** What the file is, for messages: its absolute path or {@code classpath:name}. */
    String describe();

    /** The file, when the resource is one; else {@code null}. */
    Path path();

    /**
     * Opens the bytes.
     *
     * @throws EmbedderException naming the resource when it is missing or unreadable
     */
    InputStream open(String what);

    /** Reads all bytes; see {@link #open(String)}. */
    default byte[] readAll(String what) {
        try (InputStream in = open(what)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new EmbedderException(path(), "cannot read the " + what + " " + describe() + ": " + e.getMessage(), e);
        }
    }

    /** A file on disk. */
    record FileResource(Path path) implements Resource {
        public FileResource {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String describe() {
            return path.toAbsolutePath().normalize().toString();
        }

        /** Fails unless the path is a readable regular file. */
        void check(String what) {
            if (!Files.exists(path)) {
                throw new EmbedderException(path, "the " + what + " file " + describe() + " does not exist", null);
            }
            if (!Files.isRegularFile(path)) {
                throw new EmbedderException(path, "the " + what + " path " + describe() + " is not a regular file", null);
            }
            if (!Files.isReadable(path)) {
                throw new EmbedderException(path, "the " + what + " file " + describe() + " is not readable", null);
            }
        }

        @Override
        public InputStream open(String what) {
            check(what);
            try {
                return Files.newInputStream(path);
            } catch (IOException e) {
                throw new EmbedderException(path, "cannot read the " + what + " file " + describe() + ": " + e, e);
            }
        }
    }

    /** A resource inside a jar on the classpath of this library. */
    record ClasspathResource(String name, String artifact) implements Resource {
        public ClasspathResource {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(artifact, "artifact");
        }

        @Override
        public String describe() {
            return "classpath:" + name;
        }

        @Override
        public Path path() {
            return null;
        }

        @Override
        public InputStream open(String what) {
            ClassLoader loader = Resource.class.getClassLoader();
            InputStream in = loader == null ? null : loader.getResourceAsStream(name);
            if (in == null) {
                ClassLoader context = Thread.currentThread().getContextClassLoader();
                in = context == null ? null : context.getResourceAsStream(name);
            }
            if (in == null) {
                throw new EmbedderException("the " + what + " resource '" + name + "' is not on the classpath; it ships in "
                        + artifact + " (did a dependency exclusion remove it?)", null);
            }
            return in;
        }
    }
}
