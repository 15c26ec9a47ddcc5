using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Clinic.Host.Shell;

/// <summary>
/// Says in the OpenAPI document how callers of the protected APIs sign in (the session cookie from
/// /account/login) and what they get without it (401) or without the role (403). Public endpoints stay
/// without a security requirement.
/// </summary>
internal static class OpenApiSecurity
{
    public const string SchemeId = "session";

    public static void Describe(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, context, _) =>
        {
            var cookie = context.ApplicationServices.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
                .Get(Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme).Cookie.Name;
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeId] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = cookie,
                Description = "The session cookie set by signing in at /account/login; the endpoint names the role it needs.",
            };
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var protectedEndpoint = (metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<AuthorizationPolicy>().Any())
                && !metadata.OfType<IAllowAnonymous>().Any();
            if (!protectedEndpoint)
            {
                return Task.CompletedTask;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, context.Document)] = [] });
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Not signed in, or the session has ended." });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "Signed in without the role this endpoint needs." });
            return Task.CompletedTask;
        });
    }
}
