package io.modelfleet.gateway.limits;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import io.modelfleet.protocol.security.KeyLimits;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tenant limits and the limiter's own settings, read from {@code modelfleet.security.tenant-limits}
 * and {@code modelfleet.security.limits} (see the gateway's reference.conf for meaning, unit and
 * default of each key). A tenant's limits are the same four numbers as a key's ({@link KeyLimits},
 * 0 = no limit), shared by all of the tenant's keys; a tenant without its own block gets the
 * default, and a tenant block's missing keys come from the default block.
 *
 * @param tenantDefault the limits of a tenant not named in {@code tenants}
 * @param tenants limits per tenant name
 * @param forgetAfter how long the state of a key or tenant that sent nothing is kept
 * @param divideUploads whether upload quotas are divided among the gateways like rates
 */
public record LimitSettings(
    KeyLimits tenantDefault,
    Map<String, KeyLimits> tenants,
    Duration forgetAfter,
    boolean divideUploads) {

  /** No tenant limits; state forgotten after 10 minutes. */
  public static final LimitSettings NONE =
      new LimitSettings(KeyLimits.NONE, Map.of(), Duration.ofMinutes(10), false);

  public LimitSettings {
    tenants = Map.copyOf(tenants);
    if (forgetAfter == null || forgetAfter.isNegative() || forgetAfter.isZero()) {
      throw new IllegalArgumentException(
          "modelfleet.security.limits.forget-after must be a positive duration, got "
              + forgetAfter);
    }
  }

  /** The limits of {@code tenant}'s keys together; looked up per request, allocates nothing. */
  public KeyLimits forTenant(String tenant) {
    KeyLimits own = tenants.get(tenant);
    return own != null ? own : tenantDefault;
  }

  /** Reads {@code modelfleet.security.tenant-limits} and {@code .limits} from the whole config. */
  public static LimitSettings fromConfig(Config root) {
    Config security = root.getConfig("modelfleet.security");
    Config tenantLimits = security.getConfig("tenant-limits");
    Config defaults = tenantLimits.getConfig("default");
    KeyLimits tenantDefault = limits("default", defaults);
    Map<String, KeyLimits> tenants = new LinkedHashMap<>();
    Config perTenant = tenantLimits.getConfig("tenants");
    for (String tenant : perTenant.root().keySet()) {
      Config block;
      try {
        block = perTenant.getConfig(ConfigUtil.joinPath(tenant));
      } catch (ConfigException.WrongType e) {
        throw new IllegalArgumentException(
            "modelfleet.security.tenant-limits.tenants."
                + tenant
                + " must be a block like the default one",
            e);
      }
      tenants.put(tenant, limits("tenants." + tenant, block.withFallback(defaults)));
    }
    Config own = security.getConfig("limits");
    return new LimitSettings(
        tenantDefault, tenants, own.getDuration("forget-after"), own.getBoolean("divide-uploads"));
  }

  private static KeyLimits limits(String where, Config c) {
    try {
      return new KeyLimits(
          c.getDouble("requests-per-second"),
          c.getInt("burst"),
          c.getInt("max-in-flight"),
          c.getBytes("upload-bytes-per-day"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "modelfleet.security.tenant-limits." + where + ": " + e.getMessage(), e);
    }
  }
}
