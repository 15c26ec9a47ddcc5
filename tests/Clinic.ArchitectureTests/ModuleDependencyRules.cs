namespace Clinic.ArchitectureTests;

/// <summary>A project (or compiled assembly) and the Clinic projects it depends on.</summary>
internal sealed record ProjectNode(string Name, IReadOnlyList<string> References, IReadOnlyList<string> Packages);

/// <summary>
/// The modular monolith's one hard rule: a module depends on other modules only through their
/// Contracts, and Contracts depend on nothing. Pure, so it can be checked against a bad graph too.
/// </summary>
internal static class ModuleDependencyRules
{
    private const string ModulePrefix = "Clinic.Modules.";
    private const string ContractsSuffix = ".Contracts";

    public static IReadOnlyList<string> Violations(IEnumerable<ProjectNode> projects)
    {
        var violations = new List<string>();
        foreach (var project in projects.Where(p => p.Name.StartsWith(ModulePrefix, StringComparison.Ordinal)))
        {
            var module = ModuleOf(project.Name);
            if (IsContracts(project.Name))
            {
                violations.AddRange(project.References
                    .Select(r => $"{project.Name} references {r}: Contracts reference nothing."));
                violations.AddRange(project.Packages
                    .Select(p => $"{project.Name} uses package {p}: Contracts reference nothing."));
                continue;
            }

            foreach (var reference in project.References.Where(r => r.StartsWith("Clinic.", StringComparison.Ordinal)))
            {
                if (!reference.StartsWith(ModulePrefix, StringComparison.Ordinal))
                {
                    violations.Add($"{project.Name} references {reference}: modules may not depend on the host or shared code.");
                }
                else if (!IsContracts(reference))
                {
                    violations.Add(ModuleOf(reference) == module
                        ? $"{project.Name} references {reference}: unexpected project inside module {module}."
                        : $"{project.Name} references {reference}, the implementation of module {ModuleOf(reference)}: reference {ModulePrefix}{ModuleOf(reference)}{ContractsSuffix} instead.");
                }
            }
        }

        return violations;
    }

    public static string ModuleOf(string projectName)
    {
        var rest = projectName[ModulePrefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    public static bool IsContracts(string projectName) => projectName.EndsWith(ContractsSuffix, StringComparison.Ordinal);
}
