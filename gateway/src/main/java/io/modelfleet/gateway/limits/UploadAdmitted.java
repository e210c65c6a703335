package io.modelfleet.gateway.limits;

/**
 * An upload let through, holding its reservations on the key's and the tenant's daily quotas
 * (either may be absent when that side has no quota). Call {@link #settle} once the upload ended
 * with the bytes actually stored (0 when it failed); later calls do nothing.
 */
public final class UploadAdmitted implements UploadAdmission {

  /** Admitted with nothing reserved: settling it does nothing. */
  public static final UploadAdmitted FREE = new UploadAdmitted(null, null);

  private final UploadQuota.Reservation key;
  private final UploadQuota.Reservation tenant;

  UploadAdmitted(UploadQuota.Reservation key, UploadQuota.Reservation tenant) {
    this.key = key;
    this.tenant = tenant;
  }

  /** Counts {@code actualBytes} on the day's quotas instead of the reserved size. */
  public void settle(long actualBytes) {
    if (key != null) {
      key.settle(actualBytes);
    }
    if (tenant != null) {
      tenant.settle(actualBytes);
    }
  }
}
