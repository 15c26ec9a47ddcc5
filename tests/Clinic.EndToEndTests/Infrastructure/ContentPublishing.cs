using System.Text.Json;
using Clinic.Modules.Content.Editing;

namespace Clinic.EndToEndTests.Infrastructure;

/// <summary>How the tests put a body live: the editor drafts and submits it, the reviewer approves and publishes it.</summary>
internal static class ContentPublishing
{
    /// <summary>A condition's body with one line of each part, for a condition that exists only while a test runs.</summary>
    public static string TestCondition(string slug, string name, int order) => JsonSerializer.Serialize(new
    {
        slug,
        name,
        description = new[] { "A condition that exists only while this test runs." },
        facts = new { heading = "Facts", items = new[] { "One fact." } },
        warningSigns = new { heading = "Signs", items = new[] { "One sign." } },
        order,
    });

    /// <summary>Publishes <paramref name="body"/> as the item's next version, each step succeeding; returns the item's version after.</summary>
    public static async Task<long> PublishAsync(this ContentEditing editing, string key, string kind, string body, long version)
    {
        var saved = await editing.HandleAsync(key, new SaveDraft(kind, body), version, ClinicFixture.EditorUserName, CancellationToken.None);
        Assert.True(saved.Outcome == EditOutcome.Done, saved.Message);
        return await editing.PublishDraftAsync(key, saved.Version);
    }

    /// <summary>The saved draft submitted by the editor, approved and published by the reviewer; returns the item's version after.</summary>
    public static async Task<long> PublishDraftAsync(this ContentEditing editing, string key, long version)
    {
        foreach (var (command, by) in new (EditCommand, string)[]
        {
            (new SubmitForReview(), ClinicFixture.EditorUserName),
            (new Approve(), ClinicFixture.ReviewerUserName),
            (new Publish(), ClinicFixture.ReviewerUserName),
        })
        {
            var result = await editing.HandleAsync(key, command, version, by, CancellationToken.None);
            Assert.True(result.Outcome == EditOutcome.Done, result.Message);
            version = result.Version;
        }

        return version;
    }
}
