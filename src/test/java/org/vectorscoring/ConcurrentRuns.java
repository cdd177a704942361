package org.vectorscoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;

/**
 * Runs work on several threads released at once by a barrier, so they meet on shared objects, and fails with every
 * thread's failure once all have finished.
 */
public final class ConcurrentRuns {

  /** What each thread runs; {@code thread} is its number, from 0. */
  @FunctionalInterface
  public interface Work {
    void run(int thread) throws Exception;
  }

  private ConcurrentRuns() {}

  /** Runs {@code work} on {@code threads} new threads named {@code name-<n>}, and waits for all of them. */
  public static void onThreads(int threads, String name, Work work) {
    CyclicBarrier start = new CyclicBarrier(threads);
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int number = t;
      Thread worker = new Thread(() -> {
        try {
          start.await();
          work.run(number);
        } catch (Throwable e) {
          failures.add(e);
        }
      }, name + "-" + t);
      workers.add(worker);
      worker.start();
    }
    try {
      for (Thread worker : workers) {
        worker.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the " + name + " threads", e);
    }
    if (failures.isEmpty() == false) {
      Throwable first = failures.peek();
      String message = failures.size() + " of " + threads + " " + name + " threads failed: " + first;
      AssertionError error = new AssertionError(message, first);
      failures.stream().skip(1).forEach(error::addSuppressed);
      throw error;
    }
  }
}
