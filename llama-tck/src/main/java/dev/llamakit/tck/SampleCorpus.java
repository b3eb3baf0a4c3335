package dev.llamakit.tck;

import dev.llamakit.retrieval.Document;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

/**
 * A small, fixed corpus for retriever contract tests: 32 short documents about animals, cities, cooking and space,
 * 8 of each topic, 2 of each topic in German. Every document has a title, a text of one or two sentences, the
 * metadata {@code lang} ({@code en} or {@code de}) and {@code topic} ({@code animals}, {@code cities},
 * {@code cooking}, {@code space}), and a source.
 *
 * <p>Each document has <em>marker words</em>: lower-case single words of its text that no other document contains,
 * not even inside another word (so a naive lower-cased substring matcher finds only that document), that are no
 * English stop words and whose Porter stems are distinct too (so a stemming analyzer also finds only that
 * document). {@link #broadQuery()} joins one marker of every document, so it matches the whole corpus.
 *
 * <p>Generated words used by the contract ({@code oldmark0042}, {@code newmark0001}, {@code zorblat0007},
 * {@code xylophone}, {@code zzyzxqj}) occur nowhere in the corpus. Built once; the lists are immutable.
 */
public final class SampleCorpus {
    /** Metadata key of the language ({@code en} or {@code de}). */
    public static final String LANG = "lang";
    /** Metadata key of the topic ({@code animals}, {@code cities}, {@code cooking} or {@code space}). */
    public static final String TOPIC = "topic";
    /** The topics, each with 8 documents (6 English, 2 German). */
    public static final List<String> TOPICS = List.of("animals", "cities", "cooking", "space");
    /** A word no document contains (nor any generated document of the contract). */
    public static final String NOWHERE = "zzyzxqj";

    private static final List<Document> DOCUMENTS;
    private static final Map<String, List<String>> MARKERS;

    static {
        Map<String, List<String>> markers = new LinkedHashMap<>();
        List<Document> docs = new ArrayList<>();
        // animals
        add(docs, markers, "animals-01", "en", "animals", "Emperor penguins",
                "Emperor penguins huddle together through the Antarctic winter, taking turns at the windy edge of the colony.",
                "penguins", "huddle", "antarctic");
        add(docs, markers, "animals-02", "en", "animals", "The octopus",
                "An octopus can squeeze its soft body through any gap larger than its beak. It changes colour in a blink.",
                "octopus", "squeeze", "beak");
        add(docs, markers, "animals-03", "en", "animals", "Honey bees",
                "Honey bees perform a waggle dance to tell the hive where nectar can be found.",
                "waggle", "nectar", "hive");
        add(docs, markers, "animals-04", "en", "animals", "Giraffes",
                "Giraffes browse acacia leaves high above the savanna with a tongue almost half a metre long.",
                "giraffes", "acacia", "savanna");
        add(docs, markers, "animals-05", "en", "animals", "Grey wolves",
                "Grey wolves hunt in packs and howl to keep the pack together across the snowy taiga.",
                "wolves", "howl", "taiga");
        add(docs, markers, "animals-06", "en", "animals", "Chameleons",
                "A chameleon moves each eye on its own and catches crickets with a sticky, lightning-fast tongue.",
                "chameleon", "crickets", "sticky");
        add(docs, markers, "animals-07", "de", "animals", "Das Eichhörnchen",
                "Das Eichhörnchen vergräbt im Herbst Nüsse und findet viele davon im Winter wieder.",
                "eichhörnchen", "vergräbt", "herbst");
        add(docs, markers, "animals-08", "de", "animals", "Der Igel",
                "Der Igel rollt sich bei Gefahr zu einer stacheligen Kugel zusammen. Im Winter hält er Winterschlaf.",
                "igel", "stacheligen", "kugel");
        // cities
        add(docs, markers, "cities-01", "en", "cities", "Lisbon",
                "Lisbon climbs seven hills above the Tagus, and yellow trams rattle through the Alfama district.",
                "lisbon", "tagus", "alfama");
        add(docs, markers, "cities-02", "en", "cities", "Kyoto",
                "Kyoto keeps more than a thousand temples, and the bamboo grove of Arashiyama hums in the breeze.",
                "kyoto", "bamboo", "arashiyama");
        add(docs, markers, "cities-03", "en", "cities", "Reykjavik",
                "Reykjavik heats its homes with geothermal water piped from volcanic springs outside the city.",
                "reykjavik", "geothermal", "springs");
        add(docs, markers, "cities-04", "en", "cities", "Venice",
                "Venice is built on wooden piles driven into the lagoon, and gondolas glide along its canals.",
                "venice", "lagoon", "gondolas");
        add(docs, markers, "cities-05", "en", "cities", "Marrakesh",
                "In Marrakesh the souks sell lanterns and carpets around the Jemaa el-Fna square.",
                "marrakesh", "souks", "lanterns");
        add(docs, markers, "cities-06", "en", "cities", "Singapore",
                "Singapore grows vertical gardens on its skyscrapers and runs a famously punctual metro.",
                "singapore", "skyscrapers", "punctual");
        add(docs, markers, "cities-07", "de", "cities", "Hamburg",
                "Hamburg hat mehr Brücken als Venedig, und im Hafen legen jeden Tag Containerschiffe an.",
                "hamburg", "brücken", "containerschiffe");
        add(docs, markers, "cities-08", "de", "cities", "Wien",
                "In Wien trinkt man eine Melange im Kaffeehaus und fährt mit der Straßenbahn um die Ringstraße.",
                "melange", "kaffeehaus", "ringstraße");
        // cooking
        add(docs, markers, "cooking-01", "en", "cooking", "Risotto",
                "A good risotto needs arborio rice, warm stock added ladle by ladle, and patient stirring.",
                "risotto", "arborio", "ladle");
        add(docs, markers, "cooking-02", "en", "cooking", "Sourdough",
                "Sourdough bread rises slowly thanks to a starter of wild yeast and lactic bacteria.",
                "sourdough", "yeast", "lactic");
        add(docs, markers, "cooking-03", "en", "cooking", "Kimchi",
                "Kimchi is napa cabbage fermented with chili, garlic and ginger for several weeks.",
                "kimchi", "cabbage", "ginger");
        add(docs, markers, "cooking-04", "en", "cooking", "Guacamole",
                "Guacamole mashes ripe avocado with lime juice, coriander and a pinch of salt.",
                "guacamole", "avocado", "coriander");
        add(docs, markers, "cooking-05", "en", "cooking", "Paella",
                "Paella is cooked in a wide shallow pan with saffron, and the crispy bottom is called socarrat.",
                "paella", "saffron", "socarrat");
        add(docs, markers, "cooking-06", "en", "cooking", "Tempura",
                "Tempura batter stays light when the water is ice cold and the batter is barely mixed.",
                "tempura", "batter", "barely");
        add(docs, markers, "cooking-07", "de", "cooking", "Käsespätzle",
                "Käsespätzle werden mit geriebenem Bergkäse und Röstzwiebeln geschichtet.",
                "käsespätzle", "bergkäse", "röstzwiebeln");
        add(docs, markers, "cooking-08", "de", "cooking", "Brezeln",
                "Brezeln bekommen ihre braune Kruste durch ein kurzes Bad in Natronlauge vor dem Backen.",
                "brezeln", "kruste", "natronlauge");
        // space
        add(docs, markers, "space-01", "en", "space", "Saturn's rings",
                "Saturn's rings are made of countless chunks of ice and rock, some as small as grains of sand.",
                "saturn", "countless", "grains");
        add(docs, markers, "space-02", "en", "space", "The Moon landing",
                "In 1969 the lunar module Eagle landed in the Sea of Tranquility.",
                "lunar", "eagle", "tranquility");
        add(docs, markers, "space-03", "en", "space", "Black holes",
                "A black hole bends light so strongly that nothing escapes from inside its event horizon.",
                "bends", "escapes", "horizon");
        add(docs, markers, "space-04", "en", "space", "Nebulae",
                "A nebula is a cloud of dust and gas where new stars are born.",
                "nebula", "cloud", "born");
        add(docs, markers, "space-05", "en", "space", "Mars",
                "Mars has the tallest volcano in the solar system, Olympus Mons, three times the height of Everest.",
                "olympus", "everest", "tallest");
        add(docs, markers, "space-06", "en", "space", "Comets",
                "A comet grows a glowing tail of vapour as it swings close to the Sun.",
                "comet", "glowing", "vapour");
        add(docs, markers, "space-07", "de", "space", "Die Raumstation",
                "Die Internationale Raumstation umkreist die Erde etwa alle neunzig Minuten.",
                "raumstation", "umkreist", "neunzig");
        add(docs, markers, "space-08", "de", "space", "Polarlicht",
                "Polarlichter entstehen, wenn geladene Teilchen des Sonnenwinds auf die Atmosphäre treffen.",
                "polarlichter", "teilchen", "sonnenwinds");
        DOCUMENTS = List.copyOf(docs);
        MARKERS = Collections.unmodifiableMap(markers);
    }

    private SampleCorpus() {
    }

    private static void add(List<Document> docs, Map<String, List<String>> markers, String id, String lang, String topic,
                            String title, String text, String... words) {
        docs.add(Document.builder(id).title(title).text(text).metadata(LANG, lang).metadata(TOPIC, topic)
                .source("tck:sample-corpus/" + id).build());
        markers.put(id, List.of(words));
    }

    /** The documents, in a fixed order. */
    public static List<Document> documents() {
        return DOCUMENTS;
    }

    /** The document with this id. */
    public static Document document(String id) {
        return DOCUMENTS.stream().filter(d -> d.id().equals(id)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no sample document " + id));
    }

    /** The ids of the documents, in order. */
    public static List<String> ids() {
        return DOCUMENTS.stream().map(Document::id).toList();
    }

    /** The ids of the documents whose metadata {@code key} is one of {@code values}. */
    public static List<String> idsWhere(String key, String... values) {
        List<String> allowed = List.of(values);
        return DOCUMENTS.stream().filter(d -> allowed.contains(d.metadata().get(key))).map(Document::id).toList();
    }

    /** The marker words of a document (lower case, in its text, in no other document). */
    public static List<String> markers(String id) {
        List<String> words = MARKERS.get(id);
        if (words == null) {
            throw new NoSuchElementException("no sample document " + id);
        }
        return words;
    }

    /** The first marker word of a document. */
    public static String marker(String id) {
        return markers(id).get(0);
    }

    /** One marker of every document, space-separated: a query every document matches. */
    public static String broadQuery() {
        return MARKERS.values().stream().map(w -> w.get(0)).collect(Collectors.joining(" "));
    }

    /** Generated marker {@code n} with a prefix (e.g. {@code zorblat0007}): fixed width, so no marker contains another. */
    public static String generatedWord(String prefix, int n) {
        if (n < 0 || n > 9_999) {
            throw new IllegalArgumentException("n must be 0 to 9999, got " + n);
        }
        return prefix + String.format(java.util.Locale.ROOT, "%04d", n);
    }

    /**
     * A long document (about 8,000 characters, 150 sentences in 15 paragraphs), so that a chunking retriever cuts it into several
     * chunks: sentence {@code i} contains the marker {@code oldmark<i>} (see {@link #generatedWord}).
     */
    public static Document longDocument(String id) {
        StringBuilder text = new StringBuilder();
        String[] fillers = {"pebble", "meadow", "kettle", "thistle", "orchard", "valley"};
        for (int i = 0; i < 150; i++) {
            if (i > 0) {
                text.append(i % 10 == 0 ? "\n\n" : " ");
            }
            text.append("Sentence ").append(i).append(" mentions ").append(generatedWord("oldmark", i))
                    .append(" beside the ").append(fillers[i % fillers.length]).append('.');
        }
        return Document.builder(id).title("A long document").text(text.toString()).metadata(LANG, "en")
                .metadata(TOPIC, "long").source("tck:sample-corpus/" + id).build();
    }
}
