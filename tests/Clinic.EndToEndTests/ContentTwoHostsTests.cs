using System.Text.Json;
using System.Text.Json.Nodes;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content.Contracts;
using Clinic.Modules.Content.Editing;
using Clinic.Modules.Content.Publishing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>Publication reaches every host: a second running host follows a publication and a rollback made on the first.</summary>
[CollectionDefinition(Name)]
public sealed class TwoHostsCollection : ICollectionFixture<TwoHostsFixture>
{
    public const string Name = "two-hosts";
}

/// <summary>
/// A clinic of its own for the tests that start a second host in this process: while one runs it takes its share of
/// the shared queues' messages, which the other tests' clinic need not see, and its instruments share the clinic's
/// metric streams by name (in one process), so disposing it ends those streams for the clinic's scrapes
/// (MetricsTests, PrivacyTests). Between real processes the reliability drills show hosts coming and going without loss.
/// </summary>
public sealed class TwoHostsFixture : ClinicFixture;

[Collection(TwoHostsCollection.Name)]
public sealed class ContentTwoHostsTests(TwoHostsFixture clinic)
{
    /// <summary>Well under the hosts' periodic check of the store (30 s): only the announcement over RabbitMQ makes it.</summary>
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Rolling_back_a_condition_page_on_one_host_restores_the_earlier_text_for_visitors_of_a_second_host()
    {
        const string slug = "bipolar-depression";
        var key = ContentItems.ConditionKey(slug);
        var revised = $"Revised on host A, {Guid.NewGuid():N}.";
        await using var hostB = clinic.StartSecondHost();
        using var visitorOfB = hostB.CreateBrowser();
        // B's page is in B's output cache before the publication.
        var original = await visitorOfB.GetStringAsync($"/conditions/{slug}");
        Assert.DoesNotContain(revised, original, StringComparison.Ordinal);

        using var scope = clinic.App.Services.CreateScope();
        var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
        var item = (await editing.ListAsync(CancellationToken.None)).Single(i => i.Id == key);
        var before = item.LiveVersion!.Value;
        var json = JsonNode.Parse(scope.ServiceProvider.GetRequiredService<PublishedContent>().Current.Items.Single(i => i.Key == key).Body)!;
        json["description"]!.AsArray().Insert(0, revised);
        var version = await editing.PublishAsync(key, ContentKinds.Condition, json.ToJsonString(), item.Version);

        await Eventually.TrueAsync(
            async () => (await visitorOfB.GetStringAsync($"/conditions/{slug}")).Contains(revised, StringComparison.Ordinal),
            "host B to show the new version", Promptly);

        var rolledBack = await editing.HandleAsync(key, new RollBack(before), version, ClinicFixture.ReviewerUserName, CancellationToken.None);
        Assert.True(rolledBack.Outcome == EditOutcome.Done, rolledBack.Message);

        // B's output cache held the revised page; the rollback, announced to B, emptied it.
        await Eventually.TrueAsync(
            async () => !(await visitorOfB.GetStringAsync($"/conditions/{slug}")).Contains(revised, StringComparison.Ordinal),
            "host B to show the earlier version again", Promptly);
        var restored = await visitorOfB.GetStringAsync($"/conditions/{slug}");
        Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(json["name"]!.GetValue<string>()), restored, StringComparison.Ordinal);
        using var visitorOfA = clinic.CreateBrowser();
        Assert.DoesNotContain(revised, await visitorOfA.GetStringAsync($"/conditions/{slug}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_host_whose_first_handling_of_a_publication_notice_fails_tries_again_and_shows_the_new_version_promptly()
    {
        const string slug = "ocd";
        var key = ContentItems.ConditionKey(slug);
        var revised = $"Revised while host B stumbled, {Guid.NewGuid():N}.";
        var stumble = new NextHandlingFails(clinic.App.Services.GetRequiredService<IBus>().Address);
        await using var hostB = clinic.StartSecondHost(services => services.AddScoped<PublishedContentChangedConsumer>(stumble.Resolve));
        using var visitorOfB = hostB.CreateBrowser();
        // B's page is in B's output cache before the publication.
        Assert.DoesNotContain(revised, await visitorOfB.GetStringAsync($"/conditions/{slug}"), StringComparison.Ordinal);

        stumble.Arm(DateTimeOffset.UtcNow);
        using (var scope = clinic.App.Services.CreateScope())
        {
            var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
            var item = (await editing.ListAsync(CancellationToken.None)).Single(i => i.Id == key);
            var json = JsonNode.Parse(scope.ServiceProvider.GetRequiredService<PublishedContent>().Current.Items.Single(i => i.Key == key).Body)!;
            json["description"]!.AsArray().Insert(0, revised);
            await editing.PublishAsync(key, ContentKinds.Condition, json.ToJsonString(), item.Version);
        }

        // Well before B's periodic check: only the notice, handled again after its first handling failed, makes it.
        await Eventually.TrueAsync(
            async () => (await visitorOfB.GetStringAsync($"/conditions/{slug}")).Contains(revised, StringComparison.Ordinal),
            "host B to show the new version", Promptly);
        await Eventually.TrueAsync(() => Task.FromResult(stumble.FailedNoticeHandledAgain), "the notice whose handling failed to be handled again", Promptly);
        Assert.Equal(1, stumble.Failures);
    }

    /// <summary>
    /// Host B's consumer of publication notices, resolved anew for each handling (inside the consumer's retry, as its
    /// work is): once armed, the resolution for the first notice the first host sent since then throws, as a reload
    /// that met a brief database blip would. Only that host's notices count, so a notice from any other host on the
    /// broker (another test run's, a drill's) cannot use the failure up.
    /// </summary>
    private sealed class NextHandlingFails(Uri publisher)
    {
        private readonly Lock _gate = new();
        private DateTimeOffset? _armedFrom;
        private Guid? _failedNotice;
        private int _failures;
        private bool _failedNoticeHandledAgain;

        public int Failures
        {
            get
            {
                lock (_gate)
                {
                    return _failures;
                }
            }
        }

        public bool FailedNoticeHandledAgain
        {
            get
            {
                lock (_gate)
                {
                    return _failedNoticeHandledAgain;
                }
            }
        }

        public void Arm(DateTimeOffset from)
        {
            lock (_gate)
            {
                _armedFrom = from;
            }
        }

        public PublishedContentChangedConsumer Resolve(IServiceProvider provider)
        {
            var handling = provider.GetRequiredService<ConsumeContext>();
            lock (_gate)
            {
                if (handling.MessageId is { } id && id == _failedNotice)
                {
                    _failedNoticeHandledAgain = true;
                }
                else if (_armedFrom is { } from
                    && handling.SourceAddress == publisher
                    && handling.TryGetMessage<PublishedContentChanged>(out var notice)
                    && notice.Message.At >= from)
                {
                    _armedFrom = null;
                    _failedNotice = handling.MessageId;
                    _failures++;
                    throw new InvalidOperationException("The handling of this notice fails once, as the test asked.");
                }
            }

            return ActivatorUtilities.CreateInstance<PublishedContentChangedConsumer>(provider);
        }
    }
}
