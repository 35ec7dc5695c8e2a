package dev.roundabout.lb;

/**
 * What a pick may look at beyond the endpoints themselves. Pickers that do not use a context
 * ignore it; {@link #empty()} is the context of a plain pick.
 *
 * <p>Immutable and thread-safe.
 */
public final class PickContext {
  private static final PickContext EMPTY = new PickContext();

  private PickContext() {}

  /** Returns the shared context that carries nothing. */
  public static PickContext empty() {
    return EMPTY;
  }

  @Override
  public String toString() {
    return "PickContext.empty()";
  }
}
