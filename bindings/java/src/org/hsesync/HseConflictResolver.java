package org.hsesync;

/**
 * Decides a conflict during a round, for the entities and fields whose policy is
 * "callback". {@code conflictJson} is the conflict as {@link HseEngine#conflicts()}
 * lists it (without a conflict_id yet). Answer {"take":"local"}, {"take":"remote"},
 * or (update_update only) {"row": {...}} with values for the fields in conflict; null
 * leaves the conflict to the app (listed by conflicts()), as a malformed answer or a
 * thrown exception does.
 *
 * <p>Runs on the thread running the round (the caller of sync/waitSynced, or the
 * scheduler's thread) with the replica locked: it must not block and must not call
 * this engine (such calls throw {@link HseException}).
 */
@FunctionalInterface
public interface HseConflictResolver {
  String resolve(String conflictJson);
}
