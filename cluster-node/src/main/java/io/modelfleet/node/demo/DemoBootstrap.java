package io.modelfleet.node.demo;

import io.modelfleet.protocol.model.DeploymentSpec;
import io.modelfleet.protocol.model.DeviceKind;
import io.modelfleet.protocol.model.ModelCommand;
import io.modelfleet.protocol.model.ModelReply;
import io.modelfleet.protocol.model.RequestMeta;
import io.modelfleet.protocol.service.ModelUploads;
import io.modelfleet.protocol.service.UploadOutcome;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Registers and deploys the demo model at the first start, through the same upload path a user
 * takes. Only a newly created version is deployed: if an operator later unloads the demo, a restart
 * does not bring it back.
 */
public final class DemoBootstrap {
  private DemoBootstrap() {}

  public static void ensure(
      ActorSystem<?> system, ModelUploads uploads, Duration askTimeout, Duration uploadTimeout)
      throws Exception {
    RequestMeta meta = RequestMeta.system("demo model registered at first start");
    UploadOutcome outcome =
        uploads
            .upload(
                DemoModel.NAME, "1", Source.single(ByteString.fromArray(DemoModel.bytes())), meta)
            .toCompletableFuture()
            .get(uploadTimeout.toMillis(), TimeUnit.MILLISECONDS);
    if (outcome instanceof UploadOutcome.Stored s && s.created()) {
      ModelReply reply =
          ClusterSharding.get(system)
              .entityRefFor(ModelCommand.TYPE_KEY, DemoModel.NAME)
              .<ModelReply>ask(
                  r ->
                      new ModelCommand.Deploy(new DeploymentSpec("1", 1, DeviceKind.AUTO), meta, r),
                  askTimeout)
              .toCompletableFuture()
              .get(askTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      if (!(reply instanceof ModelReply.Current)) {
        throw new IllegalStateException("cannot deploy the demo model: " + reply);
      }
    } else if (!(outcome instanceof UploadOutcome.Stored)) {
      throw new IllegalStateException("cannot register the demo model: " + outcome);
    }
  }
}
