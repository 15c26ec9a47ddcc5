using System.Globalization;
using Clinic.Modules.Content.Conditions;
using Clinic.Modules.Content.Editing;
using Clinic.Modules.Content.Library;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Clinic.Modules.Content;

/// <summary>Content's own Marten store (each item's editing history and the published versions, in its own schema).</summary>
public interface IContentStore : IDocumentStore;

/// <summary>The research and science site: conditions, research articles, crisis resources, and the catalogue other modules use.</summary>
public static class ContentModule
{
    /// <param name="connectionString">The host's PostgreSQL connection string; Content keeps its data in its own schema.</param>
    public static IHostApplicationBuilder AddContentModule(this IHostApplicationBuilder builder, string connectionString)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        // Loaded eagerly so a broken data file stops the host at startup, naming the file and field; it is also
        // what visitors see until the store's published content is loaded, which happens before the site answers.
        builder.Services.AddSingleton(new PublishedContent(ContentLibrary.LoadEmbedded()));
        // Per request, one snapshot: a publication meanwhile never mixes two versions in one page.
        builder.Services.AddScoped(services => services.GetRequiredService<PreviewScope>().Preview?.Library ?? services.GetRequiredService<PublishedContent>().Library);
        builder.Services.AddScoped<ContentEditing>();
        // Previews: a public page at a preview address renders one item's draft (Editing/ContentPreview.cs).
        builder.Services.AddScoped<PreviewScope>().AddScoped<ContentPreviews>().AddScoped<PreviewFilter>();
        builder.Services.Configure<RazorPagesOptions>(options => Previews.AddRoutes(options.Conventions));

        builder.Services.AddMartenStore<IContentStore>(options => ConfigureStore(options, connectionString, builder.Configuration["Content:Schema"] ?? "content"))
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();

        // After the store's own hosted service (which applies the schema): imports the seed and loads what is published.
        builder.Services.AddSingleton<ContentRefresh>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ContentRefresh>());
        builder.Services.AddHostedService<PublishConditionCatalog>();
        builder.Services.AddSingleton<ScheduleClock>();
        builder.Services.AddSingleton<ScheduledPublishing>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ScheduledPublishing>());
        builder.Services.AddSingleton<CachedPublicReads>();
        builder.Services.AddSingleton<PublishedPageCache>();
        builder.Services.AddOutputCache(cache => cache.AddPolicy(ContentCaching.PolicyName, policy => policy
            .Expire(ContentCaching.Duration)
            .SetVaryByQuery("condition", "q")
            // An answer is found only under the snapshot it was asked for in: one stored by a render that straddled a
            // publication, after ContentRefresh emptied the cache, is never found again. The generation counts per host,
            // as this in-memory cache is per host; a shared cache store would need the snapshot's fingerprint instead.
            .VaryByValue(context => new("published", context.RequestServices.GetRequiredService<PublishedContent>().Current.Generation.ToString(CultureInfo.InvariantCulture)))
            .Tag(ContentCaching.Tag)
            .AddPolicy<NeverCachePreviews>()));
        return builder;
    }

    /// <summary>The store's configuration: one stream per content item, keyed by name; the item views kept inline.</summary>
    internal static void ConfigureStore(StoreOptions options, string connectionString, string schema)
    {
        options.Connection(connectionString);
        options.DatabaseSchemaName = schema;
        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.Events.AddEventType<ContentDraftSaved>();
        options.Events.AddEventType<ContentSubmittedForReview>();
        options.Events.AddEventType<ContentApproved>();
        options.Events.AddEventType<ContentPublished>();
        options.Events.AddEventType<ContentUnpublished>();
        options.Events.AddEventType<ContentRolledBack>();
        options.Events.AddEventType<ContentPublishScheduled>();
        options.Events.AddEventType<ContentScheduleCancelled>();
        options.Projections.Snapshot<ContentItemView>(SnapshotLifecycle.Inline);
    }

    /// <summary>
    /// A temporary queue of this host's own (its instance id is new at every start, so two hosts in one process differ
    /// too): every host hears every publication and reloads at once, instead of at its next check of the store.
    /// </summary>
    public static IBusRegistrationConfigurator AddContentConsumers(this IBusRegistrationConfigurator bus)
    {
        var instance = Guid.NewGuid().ToString("N")[..12];
        // The reload reads the store: a brief database blip is ridden out here, where the notice would otherwise be dropped.
        static void Reload(IConsumerConfigurator<Publishing.PublishedContentChangedConsumer> c) =>
            c.UseMessageRetry(r => r.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)));
        bus.AddConsumer<Publishing.PublishedContentChangedConsumer>(Reload).Endpoint(e =>
        {
            e.Temporary = true;
            e.InstanceId = instance;
            // Faults here (retries used up) are dropped: a temporary endpoint's _error queue is exclusive to this host's
            // connection, so no operator's tool and not the error-queue health check (its probe is refused) can read or
            // count it, and it goes when the connection does. The notices only say "drop your cached copy";
            // a lost notice costs at most a wait for the next periodic check of the store (ContentRefresh).
            e.AddConfigureEndpointCallback(endpoint =>
            {
                endpoint.DiscardFaultedMessages();
                endpoint.DiscardSkippedMessages();
            });
        });
        return bus;
    }

    /// <summary>
    /// Answers reads of public pages that carry nothing personal from the pages as last rendered (<see cref="PublishedPageCache"/>);
    /// placed before routing, after the middleware every answer needs (forwarded headers, security headers, allowed hosts).
    /// </summary>
    public static IApplicationBuilder UsePublishedPageCache(this IApplicationBuilder app) =>
        app.UseMiddleware<PublishedPageCacheMiddleware>();

    public static IEndpointRouteBuilder MapContentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapContentApi();
        Publishing.SiteFeeds.MapSiteFeeds(app);
        return app;
    }

    /// <summary>
    /// A read of a public page the output cache serves (every endpoint with output-cache metadata but previews: see
    /// <see cref="CachedPublicReads"/>): the bulk of the site's traffic, alike and cheap, so not worth a span each.
    /// </summary>
    public static bool IsCachedPublicRead(HttpRequest request) =>
        request.HttpContext.RequestServices.GetService<CachedPublicReads>()?.Contains(request) == true;
}
