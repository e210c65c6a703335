package io.modelfleet.protocol.rollout;

/**
 * How a rollout moves traffic: {@link #CANARY} in steps of a growing percentage, {@link
 * #BLUE_GREEN} all at once once every replica of the candidate is Ready (after an optional shadow
 * preview), with the baseline kept warm until the switch has proved itself.
 */
public enum RolloutStrategy {
  CANARY("canary"),
  BLUE_GREEN("blue-green");

  private final String wireName;

  RolloutStrategy(String wireName) {
    this.wireName = wireName;
  }

  /** The name in the API ({@code canary}, {@code blue-green}). */
  public String wireName() {
    return wireName;
  }

  /** The strategy named {@code s} in the API, or null. */
  public static RolloutStrategy fromWire(String s) {
    for (RolloutStrategy r : values()) {
      if (r.wireName.equals(s)) {
        return r;
      }
    }
    return null;
  }
}
