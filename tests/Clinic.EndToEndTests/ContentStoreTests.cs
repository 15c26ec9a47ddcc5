using System.Text.Json.Nodes;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content;
using Clinic.Modules.Content.Editing;
using Clinic.Modules.Intake.ConditionOptions;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clinic.EndToEndTests;

/// <summary>Content's own event store: the seed import, and a reviewed change reaching visitors and Intake's list.</summary>
[Collection(ClinicCollection.Name)]
public sealed class ContentStoreTests(ClinicFixture clinic)
{
    /// <summary>Ten conditions, 35 articles, the highlights, the crisis resources and the two text pages.</summary>
    private const int SeedItems = 49;

    [Fact]
    public async Task The_seed_files_are_published_as_version_1_by_seed_import_and_never_imported_again()
    {
        var store = clinic.App.Services.GetRequiredService<IContentStore>();
        await using var session = store.QuerySession();
        var items = await session.Query<ContentItemView>().ToListAsync();

        // Counted from the events: other tests in the suite edit some items afterwards.
        Assert.Equal(SeedItems, await session.Events.QueryRawEventDataOnly<ContentPublished>().CountAsync(e => e.By == SeedImport.Actor && e.Version == 1));
        Assert.All(items.Where(i => i.LastChangedBy == SeedImport.Actor), i => Assert.Equal(1, i.LiveVersion));
        var ptsd = await session.Events.FetchStreamAsync(ContentItems.ConditionKey("ptsd"));
        Assert.Collection(ptsd,
            e => Assert.Equal(SeedImport.Actor, Assert.IsType<ContentDraftSaved>(e.Data).By),
            e => Assert.Equal(1, Assert.IsType<ContentPublished>(e.Data).Version));

        Assert.Equal(0, await SeedImport.RunAsync(store, TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task Two_hosts_starting_at_once_on_a_fresh_database_import_the_seed_once()
    {
        var schema = clinic.Schema + "_seedrace";
        using var first = new DocumentStore(Options(schema));
        using var second = new DocumentStore(Options(schema));
        try
        {
            await first.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

            var imported = await Task.WhenAll(
                SeedImport.RunAsync(first, TimeProvider.System, CancellationToken.None),
                SeedImport.RunAsync(second, TimeProvider.System, CancellationToken.None));

            Assert.Equal([0, SeedItems], imported.Order());
            await using var session = first.QuerySession();
            Assert.Equal(SeedItems, await session.Query<ContentItemView>().CountAsync());
        }
        finally
        {
            await using var connection = new NpgsqlConnection(clinic.PostgresConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        StoreOptions Options(string name)
        {
            var options = new StoreOptions();
            ContentModule.ConfigureStore(options, clinic.PostgresConnectionString, name);
            return options;
        }
    }

    [Fact]
    public async Task A_reviewed_condition_change_reaches_visitors_and_intakes_list_and_a_stale_edit_is_a_conflict()
    {
        var key = ContentItems.ConditionKey("postpartum-depression");
        using var visitor = clinic.CreateBrowser();
        Assert.DoesNotContain("Revised by the clinic", await visitor.GetStringAsync("/conditions/postpartum-depression"), StringComparison.Ordinal);
        var published = clinic.App.Services.GetRequiredService<PublishedContent>();
        var catalogueBefore = published.Library.ConditionsVersion;

        using var scope = clinic.App.Services.CreateScope();
        var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
        var item = (await editing.ListAsync(CancellationToken.None)).Single(i => i.Id == key);
        var body = published.Current.Items.Single(i => i.Key == key).Body;
        var json = JsonNode.Parse(body)!;
        json["description"]!.AsArray().Insert(0, "Revised by the clinic.");
        var edited = json.ToJsonString();

        var saved = await editing.HandleAsync(key, new SaveDraft(ContentKinds.Condition, edited), item.Version, "erin.editor", CancellationToken.None);
        Assert.True(saved.Outcome == EditOutcome.Done, saved.Message);
        // A colleague who opened the item before erin saved, and saves over it.
        var stale = await editing.HandleAsync(key, new SaveDraft(ContentKinds.Condition, body), item.Version, "ed.editor", CancellationToken.None);
        Assert.Equal(EditOutcome.Conflict, stale.Outcome);
        Assert.Contains($"erin.editor changed this item meanwhile: it is now at version {saved.Version}", stale.Message, StringComparison.Ordinal);

        var submitted = await editing.HandleAsync(key, new SubmitForReview(), saved.Version, "erin.editor", CancellationToken.None);
        var selfApproval = await editing.HandleAsync(key, new Approve(), submitted.Version, "erin.editor", CancellationToken.None);
        Assert.Equal(EditOutcome.Refused, selfApproval.Outcome);
        var tooEarly = await editing.HandleAsync(key, new Publish(), submitted.Version, "rita.reviewer", CancellationToken.None);
        Assert.Equal(EditOutcome.Refused, tooEarly.Outcome);
        var approved = await editing.HandleAsync(key, new Approve(), submitted.Version, "rita.reviewer", CancellationToken.None);
        var live = await editing.HandleAsync(key, new Publish(), approved.Version, "rita.reviewer", CancellationToken.None);
        Assert.Equal(EditOutcome.Done, live.Outcome);

        // The output cache held the old page; the publication emptied it.
        Assert.Contains("Revised by the clinic.", await visitor.GetStringAsync("/conditions/postpartum-depression"), StringComparison.Ordinal);
        Assert.Equal(catalogueBefore + 1, published.Library.ConditionsVersion);
        await Eventually.TrueAsync(async () =>
        {
            await using var session = clinic.Store.QuerySession();
            return (await ConditionChoices.LoadAsync(session, CancellationToken.None)).CatalogVersion >= catalogueBefore + 1;
        }, "Intake to hold the new catalogue version");

        var history = await editing.HistoryAsync(key, CancellationToken.None);
        Assert.Equal(["seed-import", "seed-import", "erin.editor", "erin.editor", "rita.reviewer", "rita.reviewer"], history.Select(e => ContentItemState.By(e.Data)));
    }
}
