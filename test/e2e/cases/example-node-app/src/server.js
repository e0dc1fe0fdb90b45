console.log('listening');
