package dev.microstore.nats;

import io.nats.client.NKey;
import io.nats.client.support.JwtUtils;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * An operator, an account with JetStream and a user, with their JWTs, for a nats-server in operator
 * mode (a memory resolver preloaded with the account), and the user's credentials file text.
 */
public final class TestCredentials {
  /** The server configuration of operator mode, to add to a nats-server's configuration. */
  public final String serverConfig;

  /** The user's credentials file text: JWT and seed. */
  public final String credsFile;

  private TestCredentials(String serverConfig, String credsFile) {
    this.serverConfig = serverConfig;
    this.credsFile = credsFile;
  }

  /** New keys and JWTs. */
  public static TestCredentials create() throws Exception {
    SecureRandom random = new SecureRandom();
    NKey operator = NKey.createOperator(random);
    NKey account = NKey.createAccount(random);
    NKey user = NKey.createUser(random);
    String operatorPub = new String(operator.getPublicKey());
    String accountPub = new String(account.getPublicKey());
    String operatorJwt =
        jwt(operator, operatorPub, "test-operator", "{\"type\":\"operator\",\"version\":2}");
    String accountJwt =
        jwt(
            operator,
            accountPub,
            "test-account",
            "{\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1,\"imports\":-1,\"exports\":-1,"
                + "\"wildcards\":true,\"conn\":-1,\"leaf\":-1,\"mem_storage\":-1,"
                + "\"disk_storage\":-1,\"streams\":-1,\"consumer\":-1},"
                + "\"type\":\"account\",\"version\":2}");
    NKey system = NKey.createAccount(random);
    String systemPub = new String(system.getPublicKey());
    String systemJwt = jwt(operator, systemPub, "SYS", "{\"type\":\"account\",\"version\":2}");
    String userJwt =
        JwtUtils.issueUserJWT(account, accountPub, new String(user.getPublicKey()), "test-user");
    String config =
        "operator: \""
            + operatorJwt
            + "\"\nsystem_account: "
            + systemPub
            + "\nresolver: MEMORY\nresolver_preload: {\n  "
            + systemPub
            + ": \""
            + systemJwt
            + "\"\n  "
            + accountPub
            + ": \""
            + accountJwt
            + "\"\n}";
    String creds =
        "-----BEGIN NATS USER JWT-----\n"
            + userJwt
            + "\n------END NATS USER JWT------\n\n"
            + "-----BEGIN USER NKEY SEED-----\n"
            + new String(user.getSeed())
            + "\n------END USER NKEY SEED------\n";
    return new TestCredentials(config, creds);
  }

  private static String jwt(NKey signer, String subject, String name, String nats)
      throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString(
            "{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}".getBytes(StandardCharsets.UTF_8));
    String claims =
        "{\"jti\":\""
            + UUID.randomUUID().toString().replace("-", "").toUpperCase(java.util.Locale.ROOT)
            + "\",\"iat\":"
            + System.currentTimeMillis() / 1000
            + ",\"iss\":\""
            + new String(signer.getPublicKey())
            + "\",\"name\":\""
            + name
            + "\",\"sub\":\""
            + subject
            + "\",\"nats\":"
            + nats
            + "}";
    String body = b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    byte[] signature = signer.sign((header + "." + body).getBytes(StandardCharsets.UTF_8));
    return header + "." + body + "." + b64.encodeToString(signature);
  }
}
