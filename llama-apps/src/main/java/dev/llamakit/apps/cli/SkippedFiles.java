package dev.llamakit.apps.cli;

import dev.llamakit.documents.LoadReport.SkippedFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The files a load skipped, summarised once: the count, then each reason with the files it applies to. */
final class SkippedFiles {
    /** Files named per reason before "and N more". */
    static final int NAMES_PER_REASON = 5;

    private SkippedFiles() {
    }

    /**
     * {@code skipped 3 files: 2 binary content (a.png, b.bin); 1 unreadable: permission denied (c.txt)}, or "" when
     * nothing was skipped. The reason's detail in parentheses (an offset, a size) is left out of the grouping and
     * shown for a file that is alone in its group.
     */
    static String summary(List<SkippedFile> skipped) {
        if (skipped.isEmpty()) {
            return "";
        }
        Map<String, List<SkippedFile>> byReason = new LinkedHashMap<>();
        for (SkippedFile f : skipped) {
            byReason.computeIfAbsent(head(f.reason()), k -> new ArrayList<>()).add(f);
        }
        List<String> parts = new ArrayList<>();
        byReason.forEach((reason, files) -> {
            if (files.size() == 1) {
                parts.add(files.get(0).reason() + " (" + files.get(0).path() + ")");
                return;
            }
            List<String> names = files.stream().limit(NAMES_PER_REASON).map(SkippedFile::path).toList();
            parts.add(files.size() + " " + reason + " (" + String.join(", ", names)
                    + (files.size() > names.size() ? ", and " + (files.size() - names.size()) + " more" : "") + ")");
        });
        return "skipped " + skipped.size() + (skipped.size() == 1 ? " file: " : " files: ") + String.join("; ", parts);
    }

    private static String head(String reason) {
        int paren = reason.indexOf(" (");
        return paren > 0 ? reason.substring(0, paren) : reason;
    }
}
