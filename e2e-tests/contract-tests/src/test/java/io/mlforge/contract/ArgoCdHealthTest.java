package io.mlforge.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The Argo CD health checks in config/argocd, run as Argo CD runs them (a Lua chunk with the object as the global
 * {@code obj}, returning {@code {status, message}}) on objects in each phase the operator writes.
 */
class ArgoCdHealthTest {
    private static final JsonNode CONFIG = Repo.readYaml(
                    Repo.read(Repo.root().resolve("config/argocd/argocd-cm-mlforge.yaml")))
            .get(0);

    private static String[] health(String kind, String objectYaml) {
        String script = CONFIG.at("/data")
                .path("resource.customizations.health.mlforge.io_" + kind)
                .asText();
        assertThat(script).as("health check for %s", kind).isNotBlank();
        Globals globals = JsePlatform.standardGlobals();
        globals.set("obj", toLua(Repo.readYaml(objectYaml).get(0)));
        LuaValue result = globals.load(script, kind).call();
        return new String[] {
            result.get("status").tojstring(), result.get("message").tojstring()
        };
    }

    private static LuaValue toLua(JsonNode node) {
        if (node.isObject()) {
            LuaTable table = new LuaTable();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                table.set(e.getKey(), toLua(e.getValue()));
            }
            return table;
        }
        if (node.isArray()) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < node.size(); i++) {
                table.set(i + 1, toLua(node.get(i)));
            }
            return table;
        }
        if (node.isBoolean()) {
            return LuaValue.valueOf(node.booleanValue());
        }
        if (node.isNumber()) {
            return LuaValue.valueOf(node.doubleValue());
        }
        return node.isNull() ? LuaValue.NIL : LuaValue.valueOf(node.asText());
    }

    private static String object(int generation, String status) {
        return "metadata: {name: x, generation: " + generation + "}\nspec: {}\n"
                + (status == null ? "" : "status: " + status + "\n");
    }

    @Test
    void trainingJobs() {
        assertThat(health("TrainingJob", object(1, null))[0]).isEqualTo("Progressing");
        assertThat(health("TrainingJob", object(1, "{phase: Running, observedGeneration: 1, message: epoch 3}")))
                .containsExactly("Progressing", "epoch 3");
        assertThat(health("TrainingJob", object(1, "{phase: Completed, observedGeneration: 1}"))[0])
                .isEqualTo("Healthy");
        assertThat(health("TrainingJob", object(1, "{phase: Failed, observedGeneration: 1, message: exit 3}")))
                .containsExactly("Degraded", "exit 3");
        assertThat(health("TrainingJob", object(2, "{phase: Running, observedGeneration: 1}"))[0])
                .isEqualTo("Progressing");
        assertThat(health("TrainingJob", object(1, "{phase: Stopped, observedGeneration: 1}"))[0])
                .isEqualTo("Suspended");
        assertThat(health(
                        "TrainingJob",
                        "metadata: {generation: 2}\nspec: {suspend: true}\nstatus: {phase: Pending, observedGeneration: 2}")[
                        0])
                .isEqualTo("Suspended");
    }

    @Test
    void tuningJobs() {
        assertThat(health("TuningJob", object(1, "{phase: Running, observedGeneration: 1}"))[0])
                .isEqualTo("Progressing");
        assertThat(health("TuningJob", object(1, "{phase: Completed, observedGeneration: 1}"))[0])
                .isEqualTo("Healthy");
        assertThat(health("TuningJob", object(1, "{phase: Failed, observedGeneration: 1}"))[0])
                .isEqualTo("Degraded");
    }

    @Test
    void endpointsAreDegradedWhileTheirLastUpdateFailed() {
        assertThat(health("Endpoint", object(1, "{phase: Creating, observedGeneration: 1}"))[0])
                .isEqualTo("Progressing");
        assertThat(health("Endpoint", object(1, "{phase: InService, observedGeneration: 1}"))[0])
                .isEqualTo("Healthy");
        assertThat(
                        health(
                                "Endpoint",
                                object(
                                        2,
                                        "{phase: InService, observedGeneration: 2, conditions: [{type: Ready, status: 'True'},"
                                                + " {type: UpdateFailed, status: 'True', message: 'image not found; the previous version serves'}]}")))
                .containsExactly("Degraded", "image not found; the previous version serves");
        assertThat(health(
                        "Endpoint",
                        object(
                                2,
                                "{phase: Updating, observedGeneration: 2, conditions: [{type: UpdateFailed, status: 'False'}]}"))[
                        0])
                .isEqualTo("Progressing");
        assertThat(health("Endpoint", object(1, "{phase: Failed, observedGeneration: 1}"))[0])
                .isEqualTo("Degraded");
    }

    @Test
    void theKeysAreTheOnesArgoCdReads() {
        java.util.List<String> keys = new java.util.ArrayList<>();
        CONFIG.path("data").fieldNames().forEachRemaining(keys::add);
        // Argo CD: resource.customizations.health.<group>_<kind>
        assertThat(keys)
                .containsExactlyInAnyOrder(
                        "resource.customizations.health.mlforge.io_TrainingJob",
                        "resource.customizations.health.mlforge.io_TuningJob",
                        "resource.customizations.health.mlforge.io_Endpoint");
    }
}
