package dev.chameleon.workbench.curation.images;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Addresses a fetcher refuses before any connection: other schemes, credentials, downgrades, bad URLs. */
@Tag("unit")
class RemoteImageFetcherRulesTest {

    @TempDir
    Path dir;

    private RemoteImageFetcher fetcher() {
        return new RemoteImageFetcher(new ImageStore(dir, ImageLimits.defaults()));
    }

    @Test
    void onlyHttpAndHttpsAreFetched() {
        for (String url : new String[] {"ftp://example.com/a.png", "file:///etc/passwd", "gopher://example.com/"}) {
            assertThat(fetcher().fetch(url).problem()).as(url).isEqualTo("only http and https addresses are fetched");
        }
    }

    @Test
    void addressesWithCredentialsAreRefused() {
        assertThat(fetcher().fetch("http://user:secret@127.0.0.1/a.png").problem())
                .isEqualTo("addresses with a user name or password are not fetched");
    }

    @Test
    void anInvalidAddressIsRefusedInWords() {
        assertThat(fetcher().fetch("http://example.com/a cat.png").problem()).startsWith("the address is not a valid URL");
    }

    @Test
    void redirectsMayNotDowngradeFromHttpsOrLeaveHttp() {
        URI secure = URI.create("https://127.0.0.1/a.png");
        assertThatThrownBy(() -> RemoteImageFetcher.checkTarget(URI.create("http://127.0.0.1/b.png"), secure, true))
                .hasMessage("the server redirects from https to plain http, which is refused");
        assertThatThrownBy(() -> RemoteImageFetcher.checkTarget(URI.create("file:///etc/passwd"), secure, true))
                .hasMessageContaining("redirects to file address");
        assertThatCode(() -> RemoteImageFetcher.checkTarget(URI.create("https://127.0.0.1/b.png"), secure, true))
                .doesNotThrowAnyException();
        assertThatCode(() -> RemoteImageFetcher.checkTarget(secure, URI.create("http://127.0.0.1/"), true))
                .doesNotThrowAnyException();
    }

    @Test
    void privateNetworkAddressesAreRefusedUnlessAllowed() {
        for (String host : new String[] {"10.1.2.3", "192.168.0.1", "169.254.169.254", "[::1]", "[fd00::1]"}) {
            URI u = URI.create("http://" + host + "/a.png");
            assertThatThrownBy(() -> RemoteImageFetcher.checkTarget(u, null, false)).as(host)
                    .hasMessageContaining("local or private network address");
            assertThatCode(() -> RemoteImageFetcher.checkTarget(u, null, true)).as(host).doesNotThrowAnyException();
        }
    }
}
