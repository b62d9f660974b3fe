package dev.microstore.nats;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Skips one test of the conformance kit in one configuration of the matrix until a defect of the
 * store is fixed: what {@code @Disabled} does for a test of one's own, for a test the kit declares
 * (in a {@code @Nested} group a subclass cannot redeclare). The test is reported as skipped with
 * the defect as the reason; remove the annotation with the fix.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Repeatable(KnownDefect.List.class)
@ExtendWith(KnownDefect.Condition.class)
@interface KnownDefect {
  /** The name of the kit's test method. */
  String test();

  /** The defect: where it is and why the test fails. */
  String defect();

  /** Several known defects of one configuration. */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @ExtendWith(KnownDefect.Condition.class)
  @interface List {
    KnownDefect[] value();
  }

  /** Disables the named tests of the annotated class and of its nested groups. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      Optional<java.lang.reflect.Method> method = context.getTestMethod();
      if (method.isEmpty()) {
        return ConditionEvaluationResult.enabled("not a test method");
      }
      String name = method.get().getName();
      for (Optional<ExtensionContext> c = Optional.of(context);
          c.isPresent();
          c = c.get().getParent()) {
        Optional<Class<?>> type = c.get().getTestClass();
        if (type.isEmpty()) {
          continue;
        }
        for (KnownDefect d :
            AnnotationSupport.findRepeatableAnnotations(type.get(), KnownDefect.class)) {
          if (d.test().equals(name)) {
            return ConditionEvaluationResult.disabled("known defect: " + d.defect());
          }
        }
      }
      return ConditionEvaluationResult.enabled("no known defect");
    }
  }
}
