package org.vectorscoring.opensearch.stats;

import org.opensearch.action.ActionType;

/** The transport action behind {@code GET /_plugins/vector_scoring/stats}. */
public final class VectorScoringStatsAction extends ActionType<VectorScoringStatsResponse> {

  public static final String NAME = "cluster:monitor/vector_scoring/stats";
  public static final VectorScoringStatsAction INSTANCE = new VectorScoringStatsAction();

  private VectorScoringStatsAction() {
    super(NAME, VectorScoringStatsResponse::new);
  }
}
