using System.Reflection;
using System.Xml.Linq;

namespace Clinic.ArchitectureTests;

/// <summary>Reads the dependency graph two ways: as the build declares it, and as the compiler kept it.</summary>
internal static class SolutionGraph
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static IReadOnlyList<ProjectNode> FromProjectFiles()
    {
        return [.. Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(ReadProject)];
    }

    public static ProjectNode ReadProject(string csprojPath)
    {
        var xml = XDocument.Load(csprojPath);
        var references = xml.Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();
        var packages = xml.Descendants("PackageReference")
            .Select(e => e.Attribute("Include")!.Value)
            .ToList();
        return new ProjectNode(Path.GetFileNameWithoutExtension(csprojPath), references, packages);
    }

    public static IReadOnlyList<ProjectNode> FromAssemblies(IEnumerable<Assembly> assemblies) =>
        [.. assemblies.Select(a => new ProjectNode(
            a.GetName().Name!,
            [.. a.GetReferencedAssemblies().Select(r => r.Name!).Where(n => n.StartsWith("Clinic.", StringComparison.Ordinal))],
            []))];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Clinic.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Clinic.sln not found above " + AppContext.BaseDirectory);
    }
}
