using System.Diagnostics;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Clinic.Modules.Content;

/// <summary>
/// The request paths some route patterns match, decided as routing's template matching decides (literals ignore case, one
/// trailing slash is ignored, an empty segment matches nothing; parameter values are not checked against constraints)
/// but with nothing allocated per path: patterns of literals only become one set of paths, the rest lists of segments
/// compared in place. A pattern with a segment mixing text and parameters (such as <c>{name}.xml</c>) matches no path
/// here: see <see cref="Unread"/>.
/// </summary>
internal sealed class RouteAddresses
{
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _literalPaths;
    private readonly Segment[][] _patterns;

    private RouteAddresses(HashSet<string> literalPaths, Segment[][] patterns, IReadOnlyList<RoutePattern> unread)
    {
        _literalPaths = literalPaths.GetAlternateLookup<ReadOnlySpan<char>>();
        _patterns = patterns;
        Unread = unread;
    }

    /// <summary>
    /// The patterns with a segment mixing text and parameters, whose paths are answered as not among these addresses.
    /// Routing matches such a segment right to left, each literal at its last occurrence, with a special case for an
    /// optional last parameter after a dot; mirroring that without allocating is more code than any cached route needs
    /// yet. Answering "no" only costs a span for each such read (as for any uncached page), never a lost one.
    /// </summary>
    public IReadOnlyList<RoutePattern> Unread { get; }

    public static RouteAddresses Of(IEnumerable<RoutePattern> patterns)
    {
        var literalPaths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parameterised = new List<Segment[]>();
        var unread = new List<RoutePattern>();
        foreach (var pattern in patterns)
        {
            if (!pattern.PathSegments.All(segment => segment.IsSimple))
            {
                unread.Add(pattern);
                continue;
            }

            Segment[] segments = [.. pattern.PathSegments.Select(segment => SegmentOf(pattern, segment.Parts[0]))];
            if (segments.All(segment => segment.Kind == SegmentKind.Literal))
            {
                literalPaths.Add("/" + string.Join('/', segments.Select(segment => segment.Literal)));
            }
            else
            {
                parameterised.Add(segments);
            }
        }

        return new RouteAddresses(literalPaths, [.. parameterised], unread);
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

    /// <summary>A segment of one part: a literal or a parameter (a separator only ever stands between parts).</summary>
    private static Segment SegmentOf(RoutePattern pattern, RoutePatternPart part) => part switch
    {
        RoutePatternLiteralPart literal => new Segment(SegmentKind.Literal, literal.Content),
        RoutePatternParameterPart { IsCatchAll: true } => new Segment(SegmentKind.CatchAll, null),
        RoutePatternParameterPart parameter when parameter.IsOptional || pattern.Defaults.ContainsKey(parameter.Name) =>
            new Segment(SegmentKind.OptionalParameter, null),
        RoutePatternParameterPart => new Segment(SegmentKind.RequiredParameter, null),
        _ => throw new UnreachableException($"The route {pattern.RawText} has a segment of one {part.PartKind} part."),
    };

    private enum SegmentKind
    {
        Literal,
        RequiredParameter,
        OptionalParameter,
        CatchAll,
    }

    private readonly record struct Segment(SegmentKind Kind, string? Literal);
}
