package dev.llamakit.memory;

/** Marks on a transcript entry that memory strategies take into account. */
public enum EntryFlag {
    /** Always kept in the context when it fits (for example instructions the user gave once). */
    PINNED,
    /** Preferred over other messages when the budget is short. */
    IMPORTANT,
    /** A user turn whose call failed: kept in the transcript, left out of later contexts. */
    UNANSWERED
}
