package dev.llamakit.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImagePartTest {
    @TempDir
    Path dir;

    private static byte[] render(String format) throws IOException {
        BufferedImage image = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 1, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }

    @ParameterizedTest
    @CsvSource({"png,image/png", "jpg,image/jpeg", "gif,image/gif"})
    void detectsTheTypeOfRealImageFilesFromTheirBytes(String format, String mime) throws IOException {
        byte[] bytes = render(format);
        Path file = dir.resolve("picture.bin");
        Files.write(file, bytes);
        ImagePart part = ImagePart.ofFile(file);
        assertThat(part.url()).startsWith("data:" + mime + ";base64,");
        assertThat(Base64.getDecoder().decode(part.url().substring(part.url().indexOf(',') + 1))).isEqualTo(bytes);
        assertThat(ImagePart.ofBytes(bytes).url()).isEqualTo(part.url());
    }

    @Test
    void detectsWebpAndIcoHeaders() {
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(ImagePart.ofBytes(webp).url()).startsWith("data:image/webp;base64,");
        byte[] ico = {0, 0, 1, 0, 1, 0, 16, 16};
        assertThat(ImagePart.ofBytes(ico).url()).startsWith("data:image/x-icon;base64,");
    }

    @Test
    void rejectsUnsupportedTypesClearly() throws IOException {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "just text pretending to be a png");
        assertThatThrownBy(() -> ImagePart.ofFile(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported image type").hasMessageContaining("notes.png");
        assertThatThrownBy(() -> ImagePart.ofBytes(render("bmp"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JPEG, PNG, GIF, WEBP or ICO");
        assertThatThrownBy(() -> ImagePart.ofBytes(new byte[3], "image/tiff")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image/tiff");
        assertThatThrownBy(() -> ImagePart.ofBytes(new byte[0], "image/png")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> new ImagePart("file:///etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsImagesOverTheLimitBeforeReadingThem() throws IOException {
        Path huge = dir.resolve("huge.png");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(ImagePart.MAX_BYTES + 1);
        }
        assertThatThrownBy(() -> ImagePart.ofFile(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most").hasMessageContaining("25 MB");
    }

    @Test
    void aMissingFileIsAnIoError() {
        assertThatThrownBy(() -> ImagePart.ofFile(dir.resolve("absent.png")))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("absent.png");
    }
}
