#!/usr/bin/perl
# The shop's HTTP JSON API: a catalog and carts, kept in Redis.
# Only perl-base modules, so that it runs on a minimal Debian image: the HTTP server, the
# Redis protocol and JSON are written out here.
#
#   GET  /healthz          200 {"status":"ok"} when Redis answers, 503 otherwise
#   GET  /config           the discount and currency this instance applies
#   GET  /products         every product, by SKU, with list and discounted prices
#   GET  /products/<sku>   one product; 404 when unknown
#   POST /cart             {"items":[{"sku":"TEA-001","qty":2}]} -> 201 with the priced cart;
#                          reserves the stock (409 when there is not enough, 404 for an unknown SKU)
#   GET  /cart/<id>        a cart made before; 404 when unknown
#   POST /admin/crash      answers 202, then the process exits with code 70 (for crash drills)
#
# Settings, from the environment: SHOP_PORT (8080), SHOP_REDIS_HOST (cache),
# SHOP_REDIS_PORT (6379), SHOP_DISCOUNT_PERCENT (0 to 90; 0), SHOP_CURRENCY (EUR, USD or GBP; EUR).
use strict;
use warnings;
no warnings 'experimental::builtin';
use builtin qw(created_as_number);
use IO::Socket::INET;

my $PORT       = $ENV{SHOP_PORT}       // 8080;
my $REDIS_HOST = $ENV{SHOP_REDIS_HOST} // 'cache';
my $REDIS_PORT = $ENV{SHOP_REDIS_PORT} // 6379;
my $DISCOUNT   = $ENV{SHOP_DISCOUNT_PERCENT} // '0';
my $CURRENCY   = $ENV{SHOP_CURRENCY}   // 'EUR';
my $CRASH_CODE = 70;

sub fatal {
    print STDERR "shop-api: $_[0]\n";
    exit 2;
}
fatal("SHOP_DISCOUNT_PERCENT must be a whole number from 0 to 90, not \"$DISCOUNT\"")
  unless $DISCOUNT =~ /^\d+$/ && $DISCOUNT <= 90;
$DISCOUNT = 0 + $DISCOUNT;
fatal("SHOP_CURRENCY must be EUR, USD or GBP, not \"$CURRENCY\"") unless $CURRENCY =~ /^(?:EUR|USD|GBP)$/;

# ---------------------------------------------------------------------------------------------
# HTTP

my %REASON = (
    200 => 'OK', 201 => 'Created', 202 => 'Accepted', 400 => 'Bad Request', 404 => 'Not Found',
    405 => 'Method Not Allowed', 409 => 'Conflict', 411 => 'Length Required', 413 => 'Payload Too Large',
    500 => 'Internal Server Error', 503 => 'Service Unavailable',
);

my @ROUTES = (
    [GET  => qr{^/healthz$},                 \&healthz],
    [GET  => qr{^/config$},                  \&config],
    [GET  => qr{^/products$},                \&list_products],
    [GET  => qr{^/products/([A-Za-z0-9-]+)$}, \&get_product],
    [POST => qr{^/cart$},                    \&create_cart],
    [GET  => qr{^/cart/(\d+)$},              \&get_cart],
    [POST => qr{^/admin/crash$},             \&crash],
);

# Reads one request, answers it, and returns what to do after the connection is closed (if anything).
sub handle {
    my ($client) = @_;
    my ($req, $res);
    eval {
        local $SIG{ALRM} = sub { die "the request took longer than 10 s\n" };
        alarm 10;
        $req = read_request($client);
        $res = route($req);
        alarm 0;
        1;
    } or do {
        alarm 0;
        chomp(my $error = $@ || 'unknown error');
        if (!$req) {
            $res = failure(ref $error ? @$error : (400, $error));
        } elsif ($error =~ /^redis/) {
            print STDERR "shop-api: $error\n";
            $res = failure(503, $error);
        } else {
            print STDERR "shop-api: $req->{method} $req->{path}: $error\n";
            $res = failure(500, $error);
        }
    };
    $res->{status} //= 200;
    my $body = defined $res->{raw} ? $res->{raw} : encode_json($res->{body});
    $body .= "\n";
    my $head = "HTTP/1.1 $res->{status} " . ($REASON{$res->{status}} // 'Unknown') . "\r\n"
      . "Content-Type: application/json\r\nContent-Length: " . length($body) . "\r\nConnection: close\r\n";
    $head .= "$_: $res->{headers}{$_}\r\n" for sort keys %{$res->{headers} // {}};
    print {$client} "$head\r\n$body";
    printf "%s %s -> %d\n", $req->{method}, $req->{target}, $res->{status} if $req;
    return $res->{after};
}

sub read_request {
    my ($c) = @_;
    my $line = <$c>;
    die "no request line\n" unless defined $line;
    $line =~ s/\r?\n\z//;
    my ($method, $target) = $line =~ m{^([A-Z]+) (/\S*) HTTP/1\.[01]$} or die "malformed request line\n";
    my %headers;
    while (defined(my $h = <$c>)) {
        $h =~ s/\r?\n\z//;
        last if $h eq '';
        my ($name, $value) = $h =~ /^([!#-'*+.0-9A-Z^-z|~-]+):[ \t]*(.*?)[ \t]*$/ or die "malformed header line\n";
        $headers{lc $name} = $value;
    }
    die [411, 'send the body with a Content-Length'] if ($headers{'transfer-encoding'} // '') =~ /chunked/i;
    my $body = '';
    my $length = $headers{'content-length'} // 0;
    die "bad Content-Length\n" unless $length =~ /^\d+$/;
    die [413, 'the body is larger than 64 KiB'] if $length > 65536;
    while (length($body) < $length) {
        my $n = read($c, $body, $length - length($body), length($body));
        die "the body was cut short\n" unless $n;
    }
    my ($path, $query) = split /\?/, $target, 2;
    my %query;
    for my $pair (grep { length } split /&/, $query // '') {
        my ($k, $v) = split /=/, $pair, 2;
        $query{unescape($k)} = unescape($v // '');
    }
    return { method => $method, target => $target, path => $path, query => \%query, headers => \%headers, body => $body };
}

sub unescape {
    my ($s) = @_;
    $s =~ tr/+/ /;
    $s =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
    return $s;
}

sub route {
    my ($req) = @_;
    my @allowed;
    for my $r (@ROUTES) {
        my ($method, $pattern, $handler) = @$r;
        my @captures = $req->{path} =~ $pattern or next;
        return $handler->($req, @captures) if $method eq $req->{method};
        push @allowed, $method;
    }
    return failure(405, "$req->{method} is not allowed on $req->{path}", { Allow => join(', ', @allowed) }) if @allowed;
    return failure(404, "no such endpoint: $req->{method} $req->{path}");
}

sub failure {
    my ($status, $message, $headers) = @_;
    return { status => $status, body => { error => $message }, ($headers ? (headers => $headers) : ()) };
}

# ---------------------------------------------------------------------------------------------
# Endpoints

sub healthz {
    my $pong = eval { redis('PING') };
    return { body => { status => 'ok', redis => $pong } } if defined $pong;
    chomp(my $error = $@);
    return { status => 503, body => { status => 'unavailable', error => $error } };
}

sub config {
    return { body => { discount_percent => $DISCOUNT, currency => $CURRENCY } };
}

sub discounted {
    my ($cents) = @_;
    return int(($cents * (100 - $DISCOUNT) + 50) / 100);
}

sub product {
    my ($sku) = @_;
    my %fields = @{ redis('HGETALL', "product:$sku") // [] };
    return undef unless %fields;
    my $list = 0 + ($fields{price_cents} // 0);
    return {
        sku              => $sku,
        name             => $fields{name} // '',
        list_price_cents => $list,
        price_cents      => discounted($list),
        stock            => 0 + ($fields{stock} // 0),
        currency         => $CURRENCY,
    };
}

sub list_products {
    my @skus = sort @{ redis('SMEMBERS', 'skus') // [] };
    return { body => { currency => $CURRENCY, discount_percent => $DISCOUNT, products => [grep { defined } map { product($_) } @skus] } };
}

sub get_product {
    my ($req, $sku) = @_;
    my $p = product($sku) or return failure(404, "unknown sku $sku");
    return { body => $p };
}

sub create_cart {
    my ($req) = @_;
    my $in = eval { decode_json($req->{body}) };
    if (my $error = $@) {
        chomp $error;
        return failure(400, "the body is not JSON: $error");
    }
    my $shape = 'the body must be {"items": [{"sku": "TEA-001", "qty": 1}, ...]} with at least one item';
    return failure(400, $shape) unless ref $in eq 'HASH' && ref $in->{items} eq 'ARRAY' && @{ $in->{items} };
    my (@lines, %wanted);
    my $total = 0;
    for my $item (@{ $in->{items} }) {
        return failure(400, $shape) unless ref $item eq 'HASH' && defined $item->{sku} && !ref $item->{sku};
        my $qty = $item->{qty} // 1;
        return failure(400, "qty of $item->{sku} must be a whole number from 1 to 99")
          unless !ref $qty && $qty =~ /^\d+$/ && $qty >= 1 && $qty <= 99;
        my $p = product($item->{sku}) or return failure(404, "unknown sku $item->{sku}");
        $wanted{ $p->{sku} } += $qty;
        return failure(409, "only $p->{stock} of $p->{sku} in stock") if $wanted{ $p->{sku} } > $p->{stock};
        push @lines, { sku => $p->{sku}, name => $p->{name}, qty => 0 + $qty, unit_price_cents => $p->{price_cents}, line_total_cents => $p->{price_cents} * $qty };
        $total += $p->{price_cents} * $qty;
    }
    redis('HINCRBY', "product:$_", 'stock', -$wanted{$_}) for sort keys %wanted;
    my $id = redis('INCR', 'cart:next');
    my $cart = { id => 0 + $id, items => \@lines, total_cents => $total, discount_percent => $DISCOUNT, currency => $CURRENCY };
    redis('SET', "cart:$id", encode_json($cart));
    return { status => 201, body => $cart, headers => { Location => "/cart/$id" } };
}

sub get_cart {
    my ($req, $id) = @_;
    my $json = redis('GET', "cart:$id");
    return failure(404, "no cart $id") unless defined $json;
    return { raw => $json };
}

sub crash {
    return {
        status => 202,
        body   => { status => 'crashing', exit_code => $CRASH_CODE },
        after  => sub {
            print STDERR "shop-api: crash requested with POST /admin/crash; exiting with code $CRASH_CODE\n";
            exit $CRASH_CODE;
        },
    };
}

# ---------------------------------------------------------------------------------------------
# Redis (RESP), over one connection that is opened again when it breaks

my $redis_socket;

sub redis {
    my @command = @_;
    my $payload = '*' . scalar(@command) . "\r\n" . join('', map { '$' . length($_) . "\r\n$_\r\n" } @command);
    for my $attempt (1, 2) {
        $redis_socket //= IO::Socket::INET->new(PeerAddr => $REDIS_HOST, PeerPort => $REDIS_PORT, Proto => 'tcp', Timeout => 2)
          or die "redis at $REDIS_HOST:$REDIS_PORT is unreachable: $@\n";
        my $reply = eval {
            print {$redis_socket} $payload or die "write failed: $!\n";
            read_reply($redis_socket);
        };
        if (my $error = $@) {
            undef $redis_socket;
            next if $attempt == 1;
            die "redis at $REDIS_HOST:$REDIS_PORT: $error";
        }
        die "redis $command[0] failed: $$reply\n" if ref $reply eq 'RedisError';
        return $reply;
    }
}

sub read_reply {
    my ($s) = @_;
    my $line = <$s>;
    die "the connection was closed\n" unless defined $line;
    $line =~ s/\r\n\z//;
    my ($type, $rest) = (substr($line, 0, 1), substr($line, 1));
    return $rest if $type eq '+';
    return bless \$rest, 'RedisError' if $type eq '-';
    return 0 + $rest if $type eq ':';
    if ($type eq '$') {
        return undef if $rest < 0;
        my $data = '';
        while (length($data) < $rest + 2) {
            my $n = read($s, $data, $rest + 2 - length($data), length($data));
            die "the connection was closed\n" unless $n;
        }
        return substr($data, 0, $rest);
    }
    if ($type eq '*') {
        return undef if $rest < 0;
        return [map { read_reply($s) } 1 .. $rest];
    }
    die "unexpected reply: $line\n";
}

# ---------------------------------------------------------------------------------------------
# JSON (strings stay UTF-8 bytes; true/false are \1 and \0)

sub encode_json {
    my ($v) = @_;
    return 'null' unless defined $v;
    my $ref = ref $v;
    return '{' . join(',', map { encode_string($_) . ':' . encode_json($v->{$_}) } sort keys %$v) . '}' if $ref eq 'HASH';
    return '[' . join(',', map { encode_json($_) } @$v) . ']' if $ref eq 'ARRAY';
    return $$v ? 'true' : 'false' if $ref eq 'SCALAR';
    return created_as_number($v) ? "$v" : encode_string($v);
}

sub encode_string {
    my ($s) = @_;
    $s =~ s/(["\\])/\\$1/g;
    $s =~ s/\n/\\n/g;
    $s =~ s/\r/\\r/g;
    $s =~ s/\t/\\t/g;
    $s =~ s/([\x00-\x1f])/sprintf('\\u%04x', ord $1)/ge;
    return qq("$s");
}

sub decode_json {
    my ($text) = @_;
    my $value = json_value(\$text);
    $text =~ /\G\s*/gc;
    json_error(\$text, 'unexpected text after the value') if pos($text) < length $text;
    return $value;
}

sub json_error {
    my ($t, $message) = @_;
    die sprintf("%s at offset %d\n", $message, pos($$t) // 0);
}

sub json_value {
    my ($t) = @_;
    $$t =~ /\G\s*/gc;
    if ($$t =~ /\G\{/gc) {
        my %object;
        $$t =~ /\G\s*/gc;
        return \%object if $$t =~ /\G\}/gc;
        while (1) {
            $$t =~ /\G\s*"/gc or json_error($t, 'expected a string key');
            my $key = json_string($t);
            $$t =~ /\G\s*:/gc or json_error($t, 'expected ":"');
            $object{$key} = json_value($t);
            $$t =~ /\G\s*/gc;
            next if $$t =~ /\G,/gc;
            return \%object if $$t =~ /\G\}/gc;
            json_error($t, 'expected "," or "}"');
        }
    }
    if ($$t =~ /\G\[/gc) {
        my @array;
        $$t =~ /\G\s*/gc;
        return \@array if $$t =~ /\G\]/gc;
        while (1) {
            push @array, json_value($t);
            $$t =~ /\G\s*/gc;
            next if $$t =~ /\G,/gc;
            return \@array if $$t =~ /\G\]/gc;
            json_error($t, 'expected "," or "]"');
        }
    }
    return json_string($t) if $$t =~ /\G"/gc;
    return 0 + $1 if $$t =~ /\G(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)/gc;
    return \1 if $$t =~ /\Gtrue/gc;
    return \0 if $$t =~ /\Gfalse/gc;
    return undef if $$t =~ /\Gnull/gc;
    json_error($t, 'expected a value');
}

# The rest of a string whose opening quote was read.
sub json_string {
    my ($t) = @_;
    my %escapes = ('"' => '"', '\\' => '\\', '/' => '/', b => "\b", f => "\f", n => "\n", r => "\r", t => "\t");
    my $s = '';
    while (1) {
        if    ($$t =~ /\G([^"\\\x00-\x1f]+)/gc) { $s .= $1 }
        elsif ($$t =~ /\G"/gc)                   { return $s }
        elsif ($$t =~ /\G\\(["\\\/bfnrt])/gc)    { $s .= $escapes{$1} }
        elsif ($$t =~ /\G\\u([0-9a-fA-F]{4})/gc) {
            my $char = chr hex $1;
            utf8::encode($char);
            $s .= $char;
        }
        else { json_error($t, 'bad or unterminated string') }
    }
}

# ---------------------------------------------------------------------------------------------
# Main

$| = 1;
select((select(STDERR), $| = 1)[0]);
$SIG{PIPE} = 'IGNORE';
# As PID 1 of a container the default signal actions do not apply: stop on TERM/INT ourselves.
$SIG{TERM} = $SIG{INT} = sub { print "shop-api: stopping\n"; exit 0 };

my $server = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => $PORT, Proto => 'tcp', Listen => 64, ReuseAddr => 1)
  or fatal("cannot listen on port $PORT: $@");
print "shop-api listening on :$PORT (discount $DISCOUNT%, currency $CURRENCY, redis $REDIS_HOST:$REDIS_PORT)\n";

# One request at a time: plenty for a test environment, and no shared state to guard.
while (1) {
    my $client = $server->accept or next;
    my $after = handle($client);
    close $client;
    $after->() if $after;
}
