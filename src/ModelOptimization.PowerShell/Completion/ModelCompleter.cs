using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ModelOptimization.PowerShell.Completion;

using ModelOptimization.Core.Graph;

/// <summary>
/// The base of the module's argument completers: finds the model the command line is about — the bound
/// -InputObject when it is a variable (PowerShell evaluates it into <c>fakeBoundParameters</c>), or a variable piped
/// into the command (<c>$m | Get-ModelLayer -Name &lt;Tab&gt;</c>) — and offers the names it returns that start
/// with the word typed so far (case-insensitive, sorted, quoted when needed).
/// </summary>
public abstract class ModelCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = Unquote(wordToComplete ?? "");
        var pattern = new WildcardPattern(word + "*", WildcardOptions.IgnoreCase);
        var models = FindModels(commandAst, fakeBoundParameters).ToList();
        return GetNames(models)
            .Where(n => !string.IsNullOrEmpty(n) && pattern.IsMatch(n))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n))
            .ToList();
    }

    /// <summary>The candidate names for the models found (which may be none).</summary>
    protected abstract IEnumerable<string> GetNames(IReadOnlyList<Model> models);

    /// <summary>The models of the bound -InputObject, or of a variable piped into the command.</summary>
    public static IEnumerable<Model> FindModels(CommandAst? commandAst, IDictionary? fakeBoundParameters)
    {
        if (fakeBoundParameters is not null && fakeBoundParameters.Contains("InputObject"))
        {
            foreach (var m in AsModels(fakeBoundParameters["InputObject"])) yield return m;
            yield break;
        }

        if (commandAst?.Parent is PipelineAst pipeline && pipeline.PipelineElements.Count > 1
            && pipeline.PipelineElements[0] is CommandExpressionAst { Expression: VariableExpressionAst variable }
            && !ReferenceEquals(pipeline.PipelineElements[0], commandAst))
        {
            object? value = null;
            try
            {
                using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
                var results = ps.AddCommand("Get-Variable").AddParameter("Name", variable.VariablePath.UserPath)
                    .AddParameter("ValueOnly").AddParameter("ErrorAction", "Ignore").Invoke();
                value = results.Count == 1 ? results[0] : results;
            }
            catch (Exception)
            {
                // Completion must never fail: no model, no names from it.
            }

            foreach (var m in AsModels(value)) yield return m;
        }
    }

    private static IEnumerable<Model> AsModels(object? value)
    {
        if (value is PSObject pso) value = pso.BaseObject;
        switch (value)
        {
            case Model m:
                yield return m;
                break;
            case IEnumerable e and not string:
                foreach (object? o in e)
                {
                    if ((o is PSObject p ? p.BaseObject : o) is Model im) yield return im;
                }

                break;
        }
    }

    private static string Unquote(string word)
        => word.Length > 0 && (word[0] == '\'' || word[0] == '"') ? word.Trim(word[0]) : word;

    private static string Quote(string name)
    {
        foreach (char c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ':' or '\\'))
            {
                return "'" + name.Replace("'", "''") + "'";
            }
        }

        return name.Length > 0 && (name[0] == '-' || char.IsDigit(name[0])) ? "'" + name + "'" : name;
    }
}
