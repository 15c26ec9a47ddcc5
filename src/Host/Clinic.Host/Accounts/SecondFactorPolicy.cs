namespace Clinic.Host.Accounts;

/// <summary>
/// Who must sign in with a second factor, as an admin set it at /staff/accounts/second-factor. While no admin has set
/// it, <c>Accounts:RequireSecondFactor</c> decides.
/// </summary>
internal sealed class SecondFactorRule
{
    public const string DocumentId = "second-factor-rule";

    public string Id { get; set; } = DocumentId;

    public bool Everyone { get; set; }

    public List<string> Roles { get; set; } = [];

    public string ChangedBy { get; set; } = "";

    public DateTimeOffset ChangedAt { get; set; }
}

/// <summary>
/// The second-factor requirement in force: the admins' rule when there is one, else the configured one. The claims are
/// made afresh at every request, so each host reads the rule at most every <see cref="ReadEvery"/> and a change
/// reaches every session within it (at once on the host where it was made).
/// </summary>
internal sealed class SecondFactorPolicy(IAccountsStore store, SecondFactorRequirement configured, TimeProvider time, IAccountChangeJournal journal)
{
    public static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(5);

    /// <summary>The account named in the change record for a rule that concerns every account.</summary>
    public const string EveryAccount = "(every account)";

    private volatile Snapshot? _current;

    public SecondFactorRequirement Configured => configured;

    public async Task<SecondFactorRequirement> CurrentAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (_current is { } current && now - current.ReadAt < ReadEvery)
        {
            return current.Requirement;
        }

        var rule = await ReadRuleAsync(cancellationToken);
        var requirement = rule is null ? configured : SecondFactorRequirement.Of(rule.Everyone, rule.Roles);
        _current = new Snapshot(requirement, now);
        return requirement;
    }

    public async Task<SecondFactorRule?> ReadRuleAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<SecondFactorRule>(SecondFactorRule.DocumentId, cancellationToken);
    }

    public async Task SetAsync(string actor, bool everyone, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var chosen = everyone ? [] : StaffRoles.All.Where(roles.Contains).ToList();
        await using (var session = store.LightweightSession())
        {
            session.Store(new SecondFactorRule { Everyone = everyone, Roles = chosen, ChangedBy = actor, ChangedAt = time.GetUtcNow() });
            await session.SaveChangesAsync(cancellationToken);
        }

        _current = null;
        await journal.RecordAsync(new AccountChangeEntry(actor, EveryAccount, "second-factor-rule-changed", Describe(SecondFactorRequirement.Of(everyone, chosen))), cancellationToken);
    }

    public async Task UseConfigurationAsync(string actor, CancellationToken cancellationToken)
    {
        await using (var session = store.LightweightSession())
        {
            session.Delete<SecondFactorRule>(SecondFactorRule.DocumentId);
            await session.SaveChangesAsync(cancellationToken);
        }

        _current = null;
        await journal.RecordAsync(new AccountChangeEntry(actor, EveryAccount, "second-factor-rule-changed", $"{Describe(configured)} (from configuration)"), cancellationToken);
    }

    public static string Describe(SecondFactorRequirement requirement) =>
        requirement.Everyone ? "required of everyone"
        : requirement.Roles.Count == 0 ? "required of no one"
        : $"required of {string.Join(", ", StaffRoles.All.Where(requirement.Roles.Contains))}";

    private sealed record Snapshot(SecondFactorRequirement Requirement, DateTimeOffset ReadAt);
}
