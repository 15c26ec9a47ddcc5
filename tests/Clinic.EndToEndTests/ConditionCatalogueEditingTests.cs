using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content.Editing;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>Content's editorial changes to conditions reach Intake's Schedule A Call form, in both directions.</summary>
[Collection(ClinicCollection.Name)]
public sealed class ConditionCatalogueEditingTests(ClinicFixture clinic)
{
    [Fact]
    public async Task A_published_condition_joins_the_schedule_form_and_leaves_it_when_unpublished()
    {
        var slug = $"catalogue-test-{Guid.NewGuid():N}"[..23];
        var key = ContentItems.ConditionKey(slug);
        using var scope = clinic.App.Services.CreateScope();
        var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
        var version = await editing.PublishAsync(key, ContentKinds.Condition, ContentPublishing.TestCondition(slug, "Catalogue test condition", 99), 0);

        using var visitor = clinic.CreateBrowser();
        var option = $"value=\"{slug}\"";
        try
        {
            await Eventually.TrueAsync(
                async () => (await visitor.GetStringAsync("/schedule")).Contains(option, StringComparison.Ordinal),
                "the new condition in the Schedule A Call form");
        }
        finally
        {
            var unpublished = await editing.HandleAsync(key, new Unpublish(), version, ClinicFixture.ReviewerUserName, CancellationToken.None);
            Assert.True(unpublished.Outcome == EditOutcome.Done, unpublished.Message);
        }

        await Eventually.TrueAsync(
            async () => !(await visitor.GetStringAsync("/schedule")).Contains(option, StringComparison.Ordinal),
            "the unpublished condition to leave the Schedule A Call form");
    }
}
