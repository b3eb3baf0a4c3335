package dev.llamakit.apps.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What kind of statement answers a question, read from the question's wording as classic question-answering systems
 * do: "how many" asks for a number, "how long" for a duration, "which exception" for an exception's name, "why" for
 * a reason, "where" for a place, "which version" for a version, and "by default" or "if I set nothing" for the
 * default. A question may ask for several ("what is the default timeout": a default and a duration), or for none
 * that can be told from its words ("how do I stream").
 *
 * <p>{@link #expects(String)} is the question's side, {@link #isMetBy(String)} the sentence's: whether the sentence
 * says the kind of thing asked for (a number, a duration, ...), not whether it says it about the right subject.
 */
public enum AnswerType {
    /** "how many", "how much", "what percentage", "how large/big/small": a number. */
    NUMBER(Pattern.compile("\\bhow (?:many|much|large|big|small|high|low|fast|far)\\b|\\bwhat (?:percentage|share|size)\\b"
            + "|\\bnumber of\\b"),
            Pattern.compile("(?<![\\w.])\\d+(?:[.,]\\d+)*(?![\\w.]*\\()|\\b(?:one|two|three|four|five|six|seven|eight|nine|ten"
                    + "|twelve|twenty|hundred|thousand|million|once|twice|half|double|no|none|zero|unlimited)\\b")),
    /** "how long", "how often", "after how many seconds", "what timeout": a duration or a frequency. */
    DURATION(Pattern.compile("\\bhow (?:long|often|soon|frequently)\\b|\\btimeouts?\\b|\\bhow many (?:seconds|minutes|"
            + "hours|days|milliseconds|ms)\\b"),
            Pattern.compile("\\b\\d+(?:[.,]\\d+)?\\s*(?:ms|s|sec|secs|seconds?|minutes?|min|mins|hours?|h|days?|weeks?"
                    + "|milliseconds?|µs|ns)\\b|\\b(?:every|each|per) (?:\\d+ )?(?:turn|call|request|message|time|run|batch|"
                    + "second|minute|hour|day|write|append|step)s?\\b|\\b(?:once|twice|never|whenever|immediately)\\b")),
    /** "which exception", "what error is thrown": the name of an exception or error. */
    EXCEPTION(Pattern.compile("\\b(?:which|what) (?:\\w+ )?(?:exceptions?|errors?)\\b|\\bexceptions?\\b.*\\b(?:thrown|raised|get)\\b"
            + "|\\b(?:thrown|raised)\\b"),
            Pattern.compile("\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b|\\b(?:throws|raises|fails with|rejected with)\\b")),
    /** "why": a reason. */
    REASON(Pattern.compile("^\\s*why\\b|\\bwhat is the reason\\b|\\bfor what reason\\b"),
            Pattern.compile("\\b(?:because|since|so that|reason|otherwise|thus|therefore|hence|to avoid|in order to|"
                    + "which is why|that is why|would|could|instead)\\b")),
    /** "where", "in which folder/file": a place (a path, a folder, a file, a key, a table). */
    PLACE(Pattern.compile("^\\s*where\\b|\\b(?:in|into|to|under) (?:which|what) (?:folder|directory|file|path|place|table|"
            + "location)\\b|\\bwhich (?:folder|directory|file|path)\\b"),
            Pattern.compile("(?:^|[\\s(\"'])(?:~?/|\\./|\\.\\./|[A-Za-z]:\\\\|\\$\\w+)\\S*|\\S+\\.(?:md|txt|json|toml|yaml|yml|"
                    + "xml|properties|jsonl|gz|db|conf|cfg|ini|log)\\b|\\b(?:folder|directory|file|path|under|inside|"
                    + "next to|beside|key|table|column|stored|saved|written|kept)\\b")),
    /** "which version", "what version": a version. */
    VERSION(Pattern.compile("\\b(?:which|what) (?:[\\w.-]+ )?versions?\\b|\\bversion of\\b"),
            Pattern.compile("\\b\\d+\\.\\d+(?:\\.\\d+)?\\b|\\b(?:JDK|Java|v)\\s?\\d+\\b")),
    /** "by default", "if I set nothing", "if I don't choose one", "what is the default": the default. */
    DEFAULT(Pattern.compile("\\bdefaults?\\b|\\bdefault(?:s|ed)?\\b|\\bif (?:i|you|we) (?:set|choose|pick|give|say|pass|"
            + "specify|configure|select) (?:nothing|none|no\\b)|\\bif (?:i|you|we) (?:don'?t|do not|never) (?:set|choose|pick|"
            + "give|say|pass|specify|configure|select)\\b|\\bwithout (?:setting|choosing|configuring|specifying|saying)\\b"
            + "|\\bunless (?:i|you) (?:set|choose|say)\\b|\\bout of the box\\b"),
            Pattern.compile("\\bdefaults?\\b|\\bby default\\b|\\b(?:when|if) (?:none|nothing|no \\w+) is (?:set|given|"
                    + "configured|chosen|specified)\\b|\\b(?:with no|without) (?:options?|settings?|flags?|arguments?)\\b"
                    + "|\\b(?:unless|otherwise|else)\\b|\\bif (?:you|one) (?:set|choose|pass|give) nothing\\b"));

    private final Pattern question;
    private final Pattern answer;

    AnswerType(Pattern question, Pattern answer) {
        this.question = question;
        this.answer = answer;
    }

    /** The kinds of answer {@code question} asks for, in declaration order; empty when its words do not tell. */
    public static List<AnswerType> expects(String question) {
        Objects.requireNonNull(question, "question");
        String q = question.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
        List<AnswerType> out = new ArrayList<>();
        for (AnswerType t : values()) {
            if (t.question.matcher(q).find()) {
                out.add(t);
            }
        }
        if (out.contains(DURATION)) {
            out.remove(NUMBER); // "how long" is met by a duration, not by any number
        }
        return List.copyOf(out);
    }

    /**
     * Whether a sentence that does not say this kind of thing can hardly answer: a question asking "how many" is not
     * answered without a number; one asking "why" may be answered by a plain statement.
     */
    public boolean isStrict() {
        return this == NUMBER || this == DURATION || this == EXCEPTION || this == VERSION;
    }

    /** Whether {@code sentence} says something of this kind (a number, a duration, an exception's name, ...). */
    public boolean isMetBy(String sentence) {
        Objects.requireNonNull(sentence, "sentence");
        return answer.matcher(this == EXCEPTION || this == VERSION ? sentence : sentence.toLowerCase(Locale.ROOT)).find();
    }
}
