using System.Text.Encodings.Web;
using System.Text.Unicode;
using Clinic.Modules.Content;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.WebEncoders;

namespace Clinic.Host.Shell;

/// <summary>The site's frame: pages, error handling and status pages shared by every module.</summary>
internal static class ShellExtensions
{
    public static IHostApplicationBuilder AddClinicShell(this IHostApplicationBuilder builder)
    {
        // Pages live beside the rest of their use case (module feature folders), not under /Pages.
        builder.Services.AddRazorPages(options => options.RootDirectory = "/");
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.Services.AddOpenApi(OpenApiSecurity.Describe);
        // Names like "Sörensen" stay readable in the HTML; <, >, & and quotes are still always encoded.
        builder.Services.Configure<WebEncoderOptions>(options =>
            options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddAntiforgery(options => options.Cookie.Protect("clinic.af", builder.Configuration));
        builder.Services.AddAllowedHosts(builder.Configuration);
        // Behind a reverse proxy the client's address (for rate limits) and scheme come from its headers;
        // only the proxies listed in ReverseProxy:KnownProxies (and loopback) are believed. X-Forwarded-Host
        // is ignored unless ReverseProxy:TrustForwardedHost is set, and then only for the AllowedHosts.
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            if (builder.Configuration.GetValue<bool>("ReverseProxy:TrustForwardedHost"))
            {
                options.ForwardedHeaders |= ForwardedHeaders.XForwardedHost;
                options.AllowedHosts = builder.Configuration["AllowedHosts"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            }

            foreach (var proxy in builder.Configuration.GetSection("ReverseProxy:KnownProxies").Get<string[]>() ?? [])
            {
                options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });
        return builder;
    }

    public static WebApplication UseClinicShell(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        app.UseAllowedHosts();
        app.UseHttpsOnly(app.Configuration);
        // Public pages for requests that carry nothing personal, before the error pages, static files and routing.
        app.UsePublishedPageCache();
        // APIs answer in RFC 7807 problem details; people get pages.
        app.UseWhen(IsApi, api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(context => !IsApi(context), pages =>
        {
            // Outside the exception handler, so a handled failure's empty 503 still gets its page.
            pages.UseStatusCodePagesWithReExecute("/status/{0}");
            pages.UseExceptionHandler("/error");
        });

        // The only responses browsers may cache: stylesheets carry nothing personal.
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        app.UseHeadAsGetOnApis();
        app.UseRouting();
        app.UsePageMethodRules();
        // Before authentication for requests that cannot be signed in; after it for the rest (CachedAnonymousReads).
        app.UseOutputCacheAround(authentication =>
        {
            authentication.UseAuthentication();
            authentication.UseAuthorization();
            authentication.UseRateLimiter();
        });
        app.UseAntiforgery();
        app.MapOpenApi();
        return app;
    }

    /// <summary>APIs answer in problem details and status codes; everything else is a page for a person.</summary>
    public static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api");
}
