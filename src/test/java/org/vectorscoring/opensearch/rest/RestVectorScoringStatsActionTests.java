package org.vectorscoring.opensearch.rest;

import java.util.Map;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.test.rest.FakeRestRequest;

/** The stats endpoint's own parameter, {@code timeout}, is named when it is not a time value. */
public class RestVectorScoringStatsActionTests extends OpenSearchTestCase {

  public void testABadTimeoutIsNamed() {
    RestVectorScoringStatsAction action = new RestVectorScoringStatsAction();
    for (String timeout : new String[] {"1.5.2s", "abc", "-5x"}) {
      FakeRestRequest request = new FakeRestRequest.Builder(NamedXContentRegistry.EMPTY).withParams(Map.of("timeout", timeout)).build();
      IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> action.prepareRequest(request, null));
      assertEquals("[vector_scoring_stats] [timeout] must be a time value such as [30s], not [" + timeout + "]", e.getMessage());
    }
  }
}
