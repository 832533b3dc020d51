using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Quantization;

namespace ModelOptimization.Optimization.Quantization;

/// <summary>
/// A quantization plan as a JSON recipe, in the spirit of AI Edge Quantizer's recipes: an ordered list of rules,
/// the last matching rule deciding a layer. Written as
/// <code>
/// { "format": "ModelOptimization.QuantizationRecipe", "version": 1,
///   "rules": [ { "regex": "dense_1", "opType": ["SOFTMAX"], "name": ["conv*"], "index": [3], "subgraph": 0,
///                "action": "exclude", "mode": null, "reason": "..." } ] }
/// </code>
/// A bare array of rules is read too, and AI Edge Quantizer's keys are understood: <c>regex</c>,
/// <c>operation</c> (an op type, <c>*</c> for all) and <c>algorithm_key</c> (<c>no_quantize</c> = exclude,
/// anything else = include). Anything else — unknown keys, a bad regular expression, an unknown mode — is
/// <see cref="ErrorIds.RecipeInvalid"/>.
/// </summary>
public static class QuantizationRecipe
{
    /// <summary>The "format" value of a recipe document.</summary>
    public const string FormatName = "ModelOptimization.QuantizationRecipe";

    private static readonly HashSet<string> RuleKeys = new(StringComparer.Ordinal)
    {
        "name", "regex", "pattern", "opType", "operation", "index", "subgraph", "action", "mode", "reason", "algorithm_key",
    };

    /// <summary>The plan as recipe JSON (indented).</summary>
    public static string ToJson(QuantizationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", 1);
            w.WriteStartArray("rules");
            foreach (var r in plan.Rules)
            {
                w.WriteStartObject();
                if (r.Name is { Count: > 0 }) WriteStrings(w, "name", r.Name);
                if (r.Pattern is not null) w.WriteString("regex", r.Pattern);
                if (r.OpType is { Count: > 0 }) WriteStrings(w, "opType", r.OpType);
                if (r.Index is { Count: > 0 })
                {
                    w.WriteStartArray("index");
                    foreach (int i in r.Index) w.WriteNumberValue(i);
                    w.WriteEndArray();
                }

                if (r.Subgraph is int s) w.WriteNumber("subgraph", s);
                w.WriteString("action", r.Action == LayerRuleAction.Exclude ? "exclude" : "include");
                if (r.Mode is not null) w.WriteString("mode", r.Mode);
                if (r.Reason is not null) w.WriteString("reason", r.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Reads a recipe; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ModelOptimizationException">RecipeInvalid, naming the rule and what is wrong.</exception>
    public static QuantizationPlan FromJson(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        string where = source ?? "the recipe";
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw Invalid(where, $"it is not valid JSON ({e.Message})", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            JsonElement rules;
            if (root.ValueKind == JsonValueKind.Array)
            {
                rules = root;
            }
            else if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("format", out var f) && f.GetString() != FormatName) throw Invalid(where, $"its format is '{f}', not '{FormatName}'");
                if (root.TryGetProperty("version", out var v) && (v.ValueKind != JsonValueKind.Number || v.GetInt32() != 1)) throw Invalid(where, "only version 1 is known");
                foreach (var p in root.EnumerateObject())
                {
                    if (p.Name is not ("format" or "version" or "rules")) throw Invalid(where, $"it has an unknown key '{p.Name}' (known: format, version, rules)");
                }

                if (!root.TryGetProperty("rules", out rules) || rules.ValueKind != JsonValueKind.Array) throw Invalid(where, "it has no \"rules\" array");
            }
            else
            {
                throw Invalid(where, "it is neither an object with \"rules\" nor an array of rules");
            }

            var plan = new QuantizationPlan();
            int k = 0;
            foreach (var e in rules.EnumerateArray())
            {
                plan.Rules.Add(ReadRule(e, $"{where}, rule {k}"));
                k++;
            }

            return plan;
        }
    }

    /// <summary>Writes the plan to <paramref name="path"/> through a temporary sibling (no half-written file on failure).</summary>
    public static void Save(QuantizationPlan plan, string path)
    {
        string full = Path.GetFullPath(path);
        string tmp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllText(tmp, ToJson(plan), new UTF8Encoding(false));
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Reads the recipe file at <paramref name="path"/>.</summary>
    public static QuantizationPlan Load(string path) => FromJson(File.ReadAllText(path), path);

    private static LayerRule ReadRule(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Invalid(where, "it is not a JSON object");
        foreach (var p in e.EnumerateObject())
        {
            if (!RuleKeys.Contains(p.Name))
                throw Invalid(where, $"it has an unknown key '{p.Name}' (known: {string.Join(", ", RuleKeys.Order(StringComparer.Ordinal))})");
        }

        string? pattern = Str(e, "regex", where) ?? Str(e, "pattern", where);
        if (pattern is not null)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException ex)
            {
                throw Invalid(where, $"its regex '{pattern}' is not a valid regular expression ({ex.Message})", ex);
            }
        }

        var opTypes = Strings(e, "opType", where) ?? Strings(e, "operation", where);
        if (opTypes is not null && opTypes.Contains("*")) opTypes = null; // AI Edge Quantizer's "operation": "*" = every op
        var index = Ints(e, "index", where);
        if (index?.Any(i => i < 0) == true) throw Invalid(where, "an index is negative");
        int? subgraph = null;
        if (e.TryGetProperty("subgraph", out var sgEl) && sgEl.ValueKind != JsonValueKind.Null)
        {
            if (sgEl.ValueKind != JsonValueKind.Number || !sgEl.TryGetInt32(out int sg) || sg < 0) throw Invalid(where, "\"subgraph\" is not a non-negative integer");
            subgraph = sg;
        }

        string? actionText = Str(e, "action", where);
        string? algorithm = Str(e, "algorithm_key", where);
        LayerRuleAction action = actionText?.ToLowerInvariant() switch
        {
            null => algorithm is null || algorithm == "no_quantize" ? LayerRuleAction.Exclude : LayerRuleAction.Include,
            "exclude" => LayerRuleAction.Exclude,
            "include" => LayerRuleAction.Include,
            _ => throw Invalid(where, $"its action '{actionText}' is neither \"exclude\" nor \"include\""),
        };

        string? mode = Str(e, "mode", where);
        if (mode is not null)
        {
            if (action == LayerRuleAction.Exclude) throw Invalid(where, "an exclude rule cannot have a mode");
            if (!Enum.TryParse<QuantizationMode>(mode, ignoreCase: true, out var m) || !Enum.IsDefined(m))
                throw Invalid(where, $"its mode '{mode}' is not one of {string.Join(", ", Enum.GetNames<QuantizationMode>())}");
            mode = m.ToString();
        }

        return new LayerRule
        {
            Name = Strings(e, "name", where),
            Pattern = pattern,
            OpType = opTypes,
            Index = index,
            Subgraph = subgraph,
            Action = action,
            Mode = mode,
            Reason = Str(e, "reason", where),
        };
    }

    private static string? Str(JsonElement e, string key, string where)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Invalid(where, $"\"{key}\" is not a string");
    }

    private static string[]? Strings(JsonElement e, string key, string where)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String) return [v.GetString()!];
        if (v.ValueKind != JsonValueKind.Array) throw Invalid(where, $"\"{key}\" is not a string or an array of strings");
        return v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : throw Invalid(where, $"\"{key}\" holds a non-string")).ToArray();
    }

    private static int[]? Ints(JsonElement e, string key, string where)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.TryGetInt32(out int one) ? [one] : throw Invalid(where, $"\"{key}\" is not an integer");
        if (v.ValueKind != JsonValueKind.Array) throw Invalid(where, $"\"{key}\" is not an integer or an array of integers");
        return v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out int i) ? i : throw Invalid(where, $"\"{key}\" holds a non-integer")).ToArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string key, IEnumerable<string> values)
    {
        w.WriteStartArray(key);
        foreach (var s in values) w.WriteStringValue(s);
        w.WriteEndArray();
    }

    private static ModelOptimizationException Invalid(string where, string what, Exception? inner = null)
        => new(ErrorIds.RecipeInvalid, ErrorKind.InvalidData, $"Cannot read {where}: {what}.", where,
            "Fix the recipe: an object {\"format\":\"" + FormatName + "\",\"version\":1,\"rules\":[...]} whose rules use name, regex, opType, index, subgraph, action, mode and reason.",
            inner);
}
