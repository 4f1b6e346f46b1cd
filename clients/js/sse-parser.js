// The text/event-stream format, as a browser's EventSource reads it.

/** Parses a text/event-stream body into {id, event, data} blocks (WHATWG rules, minus BOM). */
export class SseParser {
  constructor(onBlock) { this.onBlock = onBlock; this.buffer = ''; this.reset(); }
  reset() { this.id = undefined; this.event = ''; this.data = []; this.retry = undefined; }
  push(text) {
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop();
    for (const line of lines) {
      if (line === '') {
        if (this.data.length || this.id !== undefined || this.retry !== undefined) {
          this.onBlock({ id: this.id, event: this.event || 'message', data: this.data.join('\n'), retry: this.retry });
        }
        this.reset();
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id') this.id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    }
  }
}
