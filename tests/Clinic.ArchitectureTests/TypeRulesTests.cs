using System.Reflection;
using Clinic.Host.Accounts;
using Clinic.Modules.Content;
using Clinic.Modules.Intake;
using Clinic.Modules.Notifications;
using Marten;
using Microsoft.AspNetCore.Authorization;

namespace Clinic.ArchitectureTests;

/// <summary>The rules that hold type by type, inside the modules' implementations.</summary>
public sealed class TypeRulesTests
{
    private static readonly Assembly[] Implementations =
        [typeof(ContentModule).Assembly, typeof(IntakeModule).Assembly, typeof(NotificationsModule).Assembly];

    /// <summary>
    /// What each module shows the host, and why; everything else is internal. A type a framework must see
    /// (Marten's generated storage code compiles outside the module) says so here.
    /// </summary>
    private static readonly Dictionary<string, string> PublicSurface = PublicTypes.Surface;

    [Fact]
    public void Module_implementation_types_are_internal_unless_the_host_or_a_framework_needs_them()
    {
        var unexpected = Implementations
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => !t.IsNested && !PublicSurface.ContainsKey(t.FullName!))
            .Select(t => t.FullName!)
            .ToList();

        Assert.True(unexpected.Count == 0,
            "Make these internal, or list them in PublicTypes.Surface with the reason they must be public: " + string.Join(", ", unexpected));
    }

    [Fact]
    public void The_public_surface_lists_only_types_that_exist_and_are_public()
    {
        var exported = Implementations.SelectMany(a => a.GetExportedTypes()).Select(t => t.FullName!).ToHashSet();
        var stale = PublicSurface.Keys.Where(name => !exported.Contains(name)).ToList();
        Assert.True(stale.Count == 0, "PublicTypes.Surface names types that are gone or internal: " + string.Join(", ", stale));
    }

    [Fact]
    public void No_module_uses_another_modules_Marten_store()
    {
        Assert.Empty(Implementations.SelectMany(StoreViolations));
    }

    [Fact]
    public void The_store_rule_reports_a_type_that_takes_another_modules_store()
    {
        var violations = StoreViolations(typeof(TypeRulesTests).Assembly, [typeof(BorrowsNotificationsStore)]);

        Assert.Contains(violations, v => v.Contains(nameof(BorrowsNotificationsStore), StringComparison.Ordinal)
            && v.Contains(nameof(INotificationsStore), StringComparison.Ordinal));
    }

    [Fact]
    public void Pages_name_a_policy_the_host_defines_never_a_role()
    {
        var attributes = Implementations.Append(typeof(AccessPolicies).Assembly)
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetCustomAttributes<AuthorizeAttribute>().Select(attribute => (Type: t, Attribute: attribute)))
            .ToList();

        Assert.NotEmpty(attributes);
        Assert.All(attributes, a =>
        {
            Assert.True(a.Attribute.Roles is null, $"{a.Type.FullName} names roles; name a policy from AccessPolicies instead.");
            Assert.True(a.Attribute.Policy is { } policy && AccessPolicies.RolesOf.ContainsKey(policy),
                $"{a.Type.FullName} names policy '{a.Attribute.Policy}', which the host does not define.");
        });
    }

    [Fact]
    public void Policy_names_modules_declare_are_defined_by_the_host()
    {
        var declared = Implementations
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.EndsWith("Policy", StringComparison.Ordinal))
            .Select(f => (Field: $"{f.DeclaringType!.FullName}.{f.Name}", Name: (string)f.GetRawConstantValue()!))
            .ToList();

        Assert.NotEmpty(declared);
        Assert.All(declared, d => Assert.True(AccessPolicies.RolesOf.ContainsKey(d.Name), $"{d.Field} = '{d.Name}' is not a policy the host defines."));
    }

    private static IEnumerable<string> StoreViolations(Assembly module) => StoreViolations(module, module.GetTypes());

    /// <summary>
    /// A type uses a store when a constructor, method, field or property takes one. Each module's store is an
    /// interface declared in that module; taking another module's is the violation. Code that works on any store
    /// (the daemon hands subscriptions a plain IDocumentStore) is fine: no default store is registered for DI to
    /// hand out (an end-to-end test checks), so such a store is always the module's own.
    /// </summary>
    private static IEnumerable<string> StoreViolations(Assembly module, IEnumerable<Type> types)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in types)
        {
            var used = type.GetConstructors(all).SelectMany(c => c.GetParameters()).Select(p => p.ParameterType)
                .Concat(type.GetMethods(all).SelectMany(m => m.GetParameters()).Select(p => p.ParameterType))
                .Concat(type.GetFields(all).Select(f => f.FieldType))
                .Concat(type.GetProperties(all).Select(p => p.PropertyType))
                .Distinct();
            foreach (var store in used.Where(IsStore))
            {
                if (store != typeof(IDocumentStore) && store.Assembly != module)
                {
                    yield return $"{type.FullName} uses {store.FullName}, which is not {module.GetName().Name}'s own store.";
                }
            }
        }
    }

    private static bool IsStore(Type type) => typeof(IDocumentStore).IsAssignableFrom(type);

    private sealed class BorrowsNotificationsStore(INotificationsStore store)
    {
        public INotificationsStore Store => store;
    }
}
