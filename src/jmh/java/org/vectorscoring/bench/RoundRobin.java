package org.vectorscoring.bench;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Runs some methods of one JMH benchmark class in turn, in this JVM, round after round, and prints each method's median
 * time and its median ratio to the first method within a round. On a shared machine whose load drifts over minutes,
 * ratios of methods measured seconds apart are steadier than ratios of JMH forks run minutes apart; the absolute times
 * remain JMH's to give (here there is one JVM for all methods, no fork, and every call goes through reflection).
 *
 * <p>Usage: {@code RoundRobin <class> [-p name=value]... [-rounds n] [-time ms] method...}, e.g. {@code RoundRobin
 * QueryBenchmark -p dims=768 queryAll queryTenPercentFilter}. Parameters not given take their first {@code @Param}
 * value; two extra rounds run first, unrecorded, as warm-up.
 */
public final class RoundRobin {

  private static final int WARMUP_ROUNDS = 2;

  private final Map<String, String> params;
  private final Map<Class<?>, Object> states = new LinkedHashMap<>();

  private RoundRobin(Map<String, String> params) {
    this.params = params;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> params = new HashMap<>();
    List<String> methods = new ArrayList<>();
    int rounds = 11;
    long millis = 1000;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "-p" -> {
          String[] pair = args[++i].split("=", 2);
          params.put(pair[0], pair[1]);
        }
        case "-rounds" -> rounds = Integer.parseInt(args[++i]);
        case "-time" -> millis = Long.parseLong(args[++i]);
        default -> methods.add(args[i]);
      }
    }
    if (args.length == 0 || methods.isEmpty()) {
      System.err.println("usage: RoundRobin <benchmark class> [-p name=value]... [-rounds n] [-time ms] method...");
      System.exit(2);
    }
    String name = args[0].contains(".") ? args[0] : RoundRobin.class.getPackageName() + "." + args[0];
    try {
      new RoundRobin(params).run(Class.forName(name), methods, rounds, millis * 1_000_000);
    } catch (Throwable t) {
      // A node a failed setup started may leave threads behind that would keep this JVM, and its data lock, alive.
      t.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private void run(Class<?> benchmark, List<String> names, int rounds, long nanosPerTurn) throws Exception {
    Object instance = benchmark.isAnnotationPresent(State.class) ? state(benchmark) : benchmark.getDeclaredConstructor().newInstance();
    List<Method> methods = new ArrayList<>();
    List<Object[]> arguments = new ArrayList<>();
    for (String name : names) {
      Method method = Arrays.stream(benchmark.getMethods())
          .filter(m -> m.getName().equals(name) && m.isAnnotationPresent(Benchmark.class)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no @Benchmark method [" + name + "] in " + benchmark.getName()));
      Object[] stateArguments = new Object[method.getParameterCount()];
      for (int p = 0; p < stateArguments.length; p++) {
        stateArguments[p] = state(method.getParameterTypes()[p]);
      }
      methods.add(method);
      arguments.add(stateArguments);
    }
    double[][] millis = new double[methods.size()][rounds];
    try {
      for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
        for (int m = 0; m < methods.size(); m++) {
          double perCall = time(methods.get(m), instance, arguments.get(m), nanosPerTurn);
          if (round >= 0) {
            millis[m][round] = perCall;
          }
        }
      }
    } finally {
      for (Object state : states.values()) {
        invokeAnnotated(state, TearDown.class);
      }
    }
    System.out.printf(Locale.ROOT, "%s %s, %d rounds%n", benchmark.getSimpleName(), params, rounds);
    for (int m = 0; m < methods.size(); m++) {
      double[] sorted = millis[m].clone();
      Arrays.sort(sorted);
      String ratio = "";
      if (m > 0) {
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratios[r] = millis[m][r] / millis[0][r];
        }
        Arrays.sort(ratios);
        ratio = String.format(Locale.ROOT, "  ÷ %s: %.3f (quartiles %.3f–%.3f)", names.get(0), ratios[rounds / 2], ratios[rounds / 4],
            ratios[(3 * rounds) / 4]);
      }
      System.out.printf(Locale.ROOT, "%-32s %10.3f ms median (%.3f–%.3f)%s%n", names.get(m), sorted[rounds / 2], sorted[0],
          sorted[rounds - 1], ratio);
    }
  }

  /** Calls {@code method} again and again for about {@code nanos}, at least once; the mean milliseconds per call. */
  private static double time(Method method, Object instance, Object[] arguments, long nanos) throws Exception {
    long start = System.nanoTime();
    long calls = 0;
    long elapsed;
    do {
      try {
        // The result goes back through reflection, so the JIT cannot drop the work that made it.
        method.invoke(instance, arguments);
      } catch (InvocationTargetException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
      calls++;
      elapsed = System.nanoTime() - start;
    } while (elapsed < nanos);
    return elapsed / 1e6 / calls;
  }

  /** The one instance of a {@code @State} class: created, its {@code @Param} fields set, its {@code @Setup} methods run. */
  private Object state(Class<?> type) throws Exception {
    Object existing = states.get(type);
    if (existing != null) {
      return existing;
    }
    Object state = type.getDeclaredConstructor().newInstance();
    for (Field field : type.getFields()) {
      Param param = field.getAnnotation(Param.class);
      if (param != null) {
        String value = params.getOrDefault(field.getName(), param.value()[0]);
        field.set(state, field.getType() == int.class ? (Object) Integer.parseInt(value) : value);
      }
    }
    states.put(type, state);
    invokeAnnotated(state, Setup.class);
    return state;
  }

  private static void invokeAnnotated(Object state, Class<? extends java.lang.annotation.Annotation> annotation) throws Exception {
    for (Method method : state.getClass().getMethods()) {
      if (method.isAnnotationPresent(annotation)) {
        method.invoke(state);
      }
    }
  }
}
