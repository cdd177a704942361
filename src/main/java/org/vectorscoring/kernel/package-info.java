/**
 * The arithmetic of exact vector scoring: dot products, norms and distances over float arrays and over
 * vectors stored as little-endian bytes, with a SIMD implementation (Java Vector API) and a scalar one.
 *
 * <p>This package imports only the JDK (and {@code jdk.incubator.vector}, loaded by name so the scalar
 * path works without it); the Lucene and OpenSearch layers build on it, never the other way round.
 */
package org.vectorscoring.kernel;
