using Microsoft.AspNetCore.Routing.Patterns;

namespace Clinic.Modules.Content;

/// <summary>
/// The request paths some route patterns match, decided as routing's template matching decides (literals ignore case, one
/// trailing slash is ignored, an empty segment matches nothing; parameter values are not checked against constraints)
/// but with nothing allocated per path: patterns of literals only become one set of paths, the rest lists of segments
/// compared in place.
/// </summary>
internal sealed class RouteAddresses
{
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _literalPaths;
    private readonly Segment[][] _patterns;

    private RouteAddresses(HashSet<string> literalPaths, Segment[][] patterns)
    {
        _literalPaths = literalPaths.GetAlternateLookup<ReadOnlySpan<char>>();
        _patterns = patterns;
    }

    /// <exception cref="NotSupportedException">A pattern has a segment mixing text and parameters (such as <c>{name}.xml</c>).</exception>
    public static RouteAddresses Of(IEnumerable<RoutePattern> patterns)
    {
        var literalPaths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parameterised = new List<Segment[]>();
        foreach (var pattern in patterns)
        {
            Segment[] segments = [.. pattern.PathSegments.Select(segment => SegmentOf(pattern, segment))];
            if (segments.All(segment => segment.Kind == SegmentKind.Literal))
            {
                literalPaths.Add("/" + string.Join('/', segments.Select(segment => segment.Literal)));
            }
            else
            {
                parameterised.Add(segments);
            }
        }

        return new RouteAddresses(literalPaths, [.. parameterised]);
    }

    public bool Contains(string? path)
    {
        var span = path.AsSpan();
        if (_literalPaths.Contains(LiteralKey(span)))
        {
            return true;
        }

        foreach (var pattern in _patterns)
        {
            if (Matches(pattern, span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The path as a literal route's path is written: "/" for the empty path, without one trailing slash.</summary>
    private static ReadOnlySpan<char> LiteralKey(ReadOnlySpan<char> path) =>
        path.IsEmpty ? "/".AsSpan()
        : path.Length > 2 && path[^1] == '/' && path[^2] != '/' ? path[..^1]
        : path;

    private static bool Matches(Segment[] pattern, ReadOnlySpan<char> path)
    {
        // The segments after the leading slash; a trailing slash ends the path rather than starting an empty segment.
        var rest = path.Length > 1 ? path[1..] : [];
        var index = 0;
        while (!rest.IsEmpty)
        {
            var slash = rest.IndexOf('/');
            var segment = slash < 0 ? rest : rest[..slash];
            rest = slash < 0 ? [] : rest[(slash + 1)..];
            if (segment.IsEmpty || index == pattern.Length)
            {
                return false;
            }

            var expected = pattern[index++];
            if (expected.Kind == SegmentKind.CatchAll)
            {
                return true;
            }

            if (expected.Kind == SegmentKind.Literal && !segment.Equals(expected.Literal, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        // The path has ended: what is left of the pattern must be able to go without a value.
        for (; index < pattern.Length; index++)
        {
            switch (pattern[index].Kind)
            {
                case SegmentKind.CatchAll:
                    return true;
                case SegmentKind.Literal or SegmentKind.RequiredParameter:
                    return false;
            }
        }

        return true;
    }

    private static Segment SegmentOf(RoutePattern pattern, RoutePatternPathSegment segment) => segment.IsSimple
        ? segment.Parts[0] switch
        {
            RoutePatternLiteralPart literal => new Segment(SegmentKind.Literal, literal.Content),
            RoutePatternParameterPart { IsCatchAll: true } => new Segment(SegmentKind.CatchAll, null),
            RoutePatternParameterPart parameter when parameter.IsOptional || pattern.Defaults.ContainsKey(parameter.Name) =>
                new Segment(SegmentKind.OptionalParameter, null),
            RoutePatternParameterPart => new Segment(SegmentKind.RequiredParameter, null),
            _ => throw Unsupported(pattern),
        }
        : throw Unsupported(pattern);

    private static NotSupportedException Unsupported(RoutePattern pattern) =>
        new($"The route {pattern.RawText} has a segment mixing text and parameters, which {nameof(RouteAddresses)} does not read.");

    private enum SegmentKind
    {
        Literal,
        RequiredParameter,
        OptionalParameter,
        CatchAll,
    }

    private readonly record struct Segment(SegmentKind Kind, string? Literal);
}
