using System.Reflection;
using Clinic.Modules.Content;
using Clinic.Modules.Content.Contracts;
using Clinic.Modules.Intake;
using Clinic.Modules.Intake.Contracts;
using Clinic.Modules.Notifications;
using Clinic.Modules.Notifications.Contracts;

namespace Clinic.ArchitectureTests;

public sealed class ModuleBoundaryTests
{
    private static readonly Assembly[] ModuleAssemblies =
    [
        typeof(ContentModule).Assembly, typeof(ConditionCatalogPublished).Assembly,
        typeof(IntakeModule).Assembly, typeof(IntakeRequestSubmitted).Assembly,
        typeof(NotificationsModule).Assembly, typeof(StaffNotified).Assembly,
    ];

    [Fact]
    public void Project_files_reference_other_modules_only_through_their_contracts()
    {
        var projects = SolutionGraph.FromProjectFiles();

        // Guards against a vacuous pass: every module and its contracts must have been read.
        Assert.Equal(6, projects.Count(p => p.Name.StartsWith("Clinic.Modules.", StringComparison.Ordinal)));
        Assert.Empty(ModuleDependencyRules.Violations(projects));
    }

    [Fact]
    public void Compiled_modules_reference_other_modules_only_through_their_contracts()
    {
        Assert.Empty(ModuleDependencyRules.Violations(SolutionGraph.FromAssemblies(ModuleAssemblies)));
    }

    [Fact]
    public void The_rule_reports_a_module_that_references_another_modules_implementation()
    {
        // The same graph as the real one, plus the mistake this test exists to catch.
        var projects = SolutionGraph.FromProjectFiles()
            .Select(p => p.Name == "Clinic.Modules.Notifications"
                ? p with { References = [.. p.References, "Clinic.Modules.Intake"] }
                : p)
            .ToList();

        var violation = Assert.Single(ModuleDependencyRules.Violations(projects));
        Assert.Contains("Clinic.Modules.Notifications references Clinic.Modules.Intake", violation);
        Assert.Contains("reference Clinic.Modules.Intake.Contracts instead", violation);
    }

    [Fact]
    public void The_rule_reports_contracts_that_depend_on_anything()
    {
        var projects = new[]
        {
            new ProjectNode("Clinic.Modules.Intake.Contracts", ["Clinic.Modules.Content.Contracts"], ["MassTransit"]),
            new ProjectNode("Clinic.Modules.Intake", ["Clinic.Host"], []),
        };

        var violations = ModuleDependencyRules.Violations(projects);

        Assert.Equal(3, violations.Count);
        Assert.Contains(violations, v => v.Contains("Contracts reference nothing", StringComparison.Ordinal) && v.Contains("Content.Contracts", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("package MassTransit", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("may not depend on the host", StringComparison.Ordinal));
    }

    [Fact]
    public void Contracts_are_public_sealed_records_in_their_modules_contracts_namespace()
    {
        var contractAssemblies = ModuleAssemblies.Where(a => a.GetName().Name!.EndsWith(".Contracts", StringComparison.Ordinal));
        foreach (var assembly in contractAssemblies)
        {
            var types = assembly.GetTypes().Where(t => !t.IsNested && !t.Name.StartsWith('<')).ToList();
            Assert.NotEmpty(types);
            foreach (var type in types)
            {
                Assert.True(type.IsPublic && type.IsSealed, $"{type.FullName} must be public and sealed.");
                Assert.True(type.GetMethod("<Clone>$") is not null, $"{type.FullName} must be a record.");
                Assert.Equal(assembly.GetName().Name, type.Namespace);
            }
        }
    }

    [Fact]
    public void Messages_are_named_in_the_past_tense()
    {
        var contractTypes = ModuleAssemblies
            .Where(a => a.GetName().Name!.EndsWith(".Contracts", StringComparison.Ordinal))
            .SelectMany(a => a.GetTypes())
            .Where(t => t.IsPublic)
            .ToList();

        // A message is a contract type that no other contract carries inside it (those are its parts).
        var parts = contractTypes
            .SelectMany(t => t.GetProperties())
            .SelectMany(p => p.PropertyType.IsGenericType ? p.PropertyType.GetGenericArguments() : [p.PropertyType])
            .ToHashSet();
        var messages = contractTypes.Where(t => !parts.Contains(t)).ToList();

        Assert.Contains(typeof(IntakeRequestSubmitted), messages);
        Assert.All(messages, m => Assert.True(m.Name.EndsWith("ed", StringComparison.Ordinal), $"{m.FullName} should be named for what happened (past tense)."));
    }
}
